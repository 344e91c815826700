{
	"patcher": {
		"fileversion": 1,
		"appversion": {
			"major": 8,
			"minor": 6,
			"revision": 0,
			"architecture": "x64",
			"modernui": 1
		},
		"classnamespace": "box",
		"rect": [
			80,
			100,
			900,
			640
		],
		"openrect": [
			0,
			0,
			640,
			169
		],
		"openinpresentation": 1,
		"devicewidth": 640,
		"default_fontsize": 10,
		"default_fontface": 0,
		"default_fontname": "Arial Bold",
		"gridsize": [
			8,
			8
		],
		"description": "Shotcaller: type a prompt, render a one-shot with the local daemon, play it from the Simpler or Drum Rack after this device.",
		"boxes": [
			{
				"box": {
					"id": "obj-1",
					"maxclass": "textedit",
					"numinlets": 1,
					"numoutlets": 4,
					"outlettype": [
						"",
						"int",
						"",
						""
					],
					"patching_rect": [
						20,
						20,
						330,
						40
					],
					"presentation": 1,
					"presentation_rect": [
						6,
						6,
						330,
						40
					],
					"varname": "prompt_text",
					"keymode": 1,
					"outputmode": 1,
					"lines": 2,
					"wordwrap": 1,
					"fontsize": 12,
					"hint": "Type a prompt, press Return, then Render"
				}
			},
			{
				"box": {
					"id": "obj-2",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"outlettype": [],
					"patching_rect": [
						20,
						24,
						150,
						20
					],
					"text": "Slot",
					"presentation": 1,
					"presentation_rect": [
						6,
						52,
						30,
						18
					]
				}
			},
			{
				"box": {
					"id": "obj-3",
					"maxclass": "live.numbox",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						20,
						80,
						44,
						15
					],
					"presentation": 1,
					"presentation_rect": [
						34,
						53,
						36,
						15
					],
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Slot",
							"parameter_shortname": "Slot",
							"parameter_type": 1,
							"parameter_mmin": 0,
							"parameter_mmax": 15,
							"parameter_initial_enable": 1,
							"parameter_initial": [
								0
							],
							"parameter_unitstyle": 0
						}
					},
					"varname": "Slot"
				}
			},
			{
				"box": {
					"id": "obj-4",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"outlettype": [],
					"patching_rect": [
						20,
						32,
						150,
						20
					],
					"text": "Seed",
					"presentation": 1,
					"presentation_rect": [
						76,
						52,
						32,
						18
					]
				}
			},
			{
				"box": {
					"id": "obj-5",
					"maxclass": "live.numbox",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						80,
						80,
						70,
						15
					],
					"presentation": 1,
					"presentation_rect": [
						106,
						53,
						74,
						15
					],
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Seed",
							"parameter_shortname": "Seed",
							"parameter_type": 0,
							"parameter_mmin": -1,
							"parameter_mmax": 16777215,
							"parameter_initial_enable": 1,
							"parameter_initial": [
								-1
							],
							"parameter_unitstyle": 0
						}
					},
					"varname": "Seed"
				}
			},
			{
				"box": {
					"id": "obj-6",
					"maxclass": "live.text",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						160,
						80,
						40,
						15
					],
					"presentation": 1,
					"presentation_rect": [
						184,
						53,
						40,
						15
					],
					"mode": 0,
					"text": "Dice",
					"texton": "Dice",
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Dice",
							"parameter_shortname": "Dice",
							"parameter_type": 2,
							"parameter_mmin": 0,
							"parameter_mmax": 1,
							"parameter_enum": [
								"off",
								"on"
							],
							"parameter_invisible": 2
						}
					},
					"varname": "Dice"
				}
			},
			{
				"box": {
					"id": "obj-7",
					"maxclass": "live.menu",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"",
						"",
						"float"
					],
					"patching_rect": [
						210,
						80,
						100,
						15
					],
					"presentation": 1,
					"presentation_rect": [
						230,
						53,
						106,
						15
					],
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Play via",
							"parameter_shortname": "Play via",
							"parameter_type": 2,
							"parameter_mmin": 0,
							"parameter_mmax": 1,
							"parameter_enum": [
								"Simpler",
								"Daemon repitch"
							],
							"parameter_initial_enable": 1,
							"parameter_initial": [
								0
							]
						}
					},
					"varname": "Play_via"
				}
			},
			{
				"box": {
					"id": "obj-8",
					"maxclass": "live.dial",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						20,
						120,
						44,
						48
					],
					"presentation": 1,
					"presentation_rect": [
						6,
						74,
						44,
						48
					],
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Steps",
							"parameter_shortname": "Steps",
							"parameter_type": 1,
							"parameter_mmin": 1,
							"parameter_mmax": 200,
							"parameter_initial_enable": 1,
							"parameter_initial": [
								12
							],
							"parameter_unitstyle": 0
						}
					},
					"varname": "Steps"
				}
			},
			{
				"box": {
					"id": "obj-9",
					"maxclass": "live.dial",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						70,
						120,
						44,
						48
					],
					"presentation": 1,
					"presentation_rect": [
						56,
						74,
						44,
						48
					],
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Guidance",
							"parameter_shortname": "Guidance",
							"parameter_type": 0,
							"parameter_mmin": 0,
							"parameter_mmax": 30,
							"parameter_initial_enable": 1,
							"parameter_initial": [
								3
							],
							"parameter_unitstyle": 1
						}
					},
					"varname": "Guidance"
				}
			},
			{
				"box": {
					"id": "obj-10",
					"maxclass": "live.dial",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						120,
						120,
						44,
						48
					],
					"presentation": 1,
					"presentation_rect": [
						106,
						74,
						44,
						48
					],
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Strength",
							"parameter_shortname": "Strength",
							"parameter_type": 0,
							"parameter_mmin": 0.01,
							"parameter_mmax": 1,
							"parameter_initial_enable": 1,
							"parameter_initial": [
								0.1
							],
							"parameter_unitstyle": 1
						}
					},
					"varname": "Strength"
				}
			},
			{
				"box": {
					"id": "obj-11",
					"maxclass": "live.dial",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						170,
						120,
						44,
						48
					],
					"presentation": 1,
					"presentation_rect": [
						156,
						74,
						44,
						48
					],
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Duration",
							"parameter_shortname": "Duration",
							"parameter_type": 0,
							"parameter_mmin": 0.05,
							"parameter_mmax": 8,
							"parameter_initial_enable": 1,
							"parameter_initial": [
								4
							],
							"parameter_unitstyle": 9,
							"parameter_units": "%.2f s"
						}
					},
					"varname": "Duration"
				}
			},
			{
				"box": {
					"id": "obj-12",
					"maxclass": "live.text",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						230,
						120,
						60,
						20
					],
					"presentation": 1,
					"presentation_rect": [
						210,
						78,
						60,
						20
					],
					"mode": 0,
					"text": "Render",
					"texton": "Render",
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Render",
							"parameter_shortname": "Render",
							"parameter_type": 2,
							"parameter_mmin": 0,
							"parameter_mmax": 1,
							"parameter_enum": [
								"off",
								"on"
							],
							"parameter_invisible": 2
						}
					},
					"varname": "Render"
				}
			},
			{
				"box": {
					"id": "obj-13",
					"maxclass": "live.text",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						300,
						120,
						60,
						20
					],
					"presentation": 1,
					"presentation_rect": [
						276,
						78,
						60,
						20
					],
					"mode": 0,
					"text": "Cancel",
					"texton": "Cancel",
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Cancel",
							"parameter_shortname": "Cancel",
							"parameter_type": 2,
							"parameter_mmin": 0,
							"parameter_mmax": 1,
							"parameter_enum": [
								"off",
								"on"
							],
							"parameter_invisible": 2
						}
					},
					"varname": "Cancel"
				}
			},
			{
				"box": {
					"id": "obj-14",
					"maxclass": "multislider",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						230,
						150,
						126,
						10
					],
					"presentation": 1,
					"presentation_rect": [
						210,
						104,
						126,
						12
					],
					"setminmax": [
						0,
						1
					],
					"orientation": 0,
					"ignoreclick": 1,
					"size": 1,
					"setstyle": 0,
					"parameter_enable": 0
				}
			},
			{
				"box": {
					"id": "obj-15",
					"maxclass": "live.toggle",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20,
						180,
						12,
						12
					],
					"presentation": 1,
					"presentation_rect": [
						6,
						129,
						12,
						12
					],
					"ignoreclick": 1,
					"parameter_enable": 0
				}
			},
			{
				"box": {
					"id": "obj-16",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"outlettype": [],
					"patching_rect": [
						20,
						80,
						150,
						20
					],
					"text": "",
					"presentation": 1,
					"presentation_rect": [
						22,
						126,
						154,
						18
					]
				}
			},
			{
				"box": {
					"id": "obj-17",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"outlettype": [],
					"patching_rect": [
						20,
						84,
						150,
						20
					],
					"text": "",
					"presentation": 1,
					"presentation_rect": [
						6,
						146,
						330,
						18
					],
					"textcolor": [
						0.9,
						0.25,
						0.2,
						1
					]
				}
			},
			{
				"box": {
					"id": "obj-18",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"outlettype": [],
					"patching_rect": [
						20,
						88,
						150,
						20
					],
					"text": "Daemon",
					"presentation": 1,
					"presentation_rect": [
						344,
						6,
						44,
						18
					]
				}
			},
			{
				"box": {
					"id": "obj-19",
					"maxclass": "live.numbox",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						420,
						80,
						50,
						15
					],
					"presentation": 1,
					"presentation_rect": [
						390,
						7,
						50,
						15
					],
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Daemon Port",
							"parameter_shortname": "Port",
							"parameter_type": 0,
							"parameter_mmin": 1024,
							"parameter_mmax": 65535,
							"parameter_initial_enable": 1,
							"parameter_initial": [
								9000
							],
							"parameter_unitstyle": 0,
							"parameter_invisible": 1
						}
					},
					"varname": "Daemon_Port"
				}
			},
			{
				"box": {
					"id": "obj-22",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"outlettype": [],
					"patching_rect": [
						20,
						104,
						150,
						20
					],
					"text": "Last file (copy or drag from Live's browser):",
					"presentation": 1,
					"presentation_rect": [
						344,
						104,
						180,
						18
					]
				}
			},
			{
				"box": {
					"id": "obj-23",
					"maxclass": "textedit",
					"numinlets": 1,
					"numoutlets": 4,
					"outlettype": [
						"",
						"int",
						"",
						""
					],
					"patching_rect": [
						420,
						200,
						180,
						60
					],
					"presentation": 1,
					"presentation_rect": [
						344,
						120,
						180,
						42
					],
					"varname": "path_text",
					"readonly": 1,
					"wordwrap": 1,
					"fontsize": 9
				}
			},
			{
				"box": {
					"id": "obj-24",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"",
						"",
						""
					],
					"patching_rect": [
						360,
						20,
						220,
						22
					],
					"text": "pattr prompt_store @bindto prompt_text",
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Prompt",
							"parameter_shortname": "Prompt",
							"parameter_type": 3,
							"parameter_invisible": 1
						}
					},
					"varname": "Prompt"
				}
			},
			{
				"box": {
					"id": "obj-25",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						20,
						64,
						70,
						22
					],
					"text": "route text"
				}
			},
			{
				"box": {
					"id": "obj-26",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20,
						260,
						100,
						22
					],
					"text": "prepend prompt"
				}
			},
			{
				"box": {
					"id": "obj-27",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20,
						290,
						80,
						22
					],
					"text": "prepend slot"
				}
			},
			{
				"box": {
					"id": "obj-28",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						100,
						290,
						80,
						22
					],
					"text": "prepend seed"
				}
			},
			{
				"box": {
					"id": "obj-29",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						180,
						290,
						90,
						22
					],
					"text": "prepend steps"
				}
			},
			{
				"box": {
					"id": "obj-30",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						270,
						290,
						100,
						22
					],
					"text": "prepend guidance"
				}
			},
			{
				"box": {
					"id": "obj-31",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						370,
						290,
						100,
						22
					],
					"text": "prepend strength"
				}
			},
			{
				"box": {
					"id": "obj-32",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						470,
						290,
						100,
						22
					],
					"text": "prepend duration"
				}
			},
			{
				"box": {
					"id": "obj-33",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						570,
						290,
						90,
						22
					],
					"text": "prepend mode"
				}
			},
			{
				"box": {
					"id": "obj-34",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						""
					],
					"patching_rect": [
						160,
						230,
						40,
						22
					],
					"text": "sel 1"
				}
			},
			{
				"box": {
					"id": "obj-35",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						160,
						260,
						40,
						22
					],
					"text": "dice"
				}
			},
			{
				"box": {
					"id": "obj-36",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						""
					],
					"patching_rect": [
						230,
						230,
						40,
						22
					],
					"text": "sel 1"
				}
			},
			{
				"box": {
					"id": "obj-37",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						230,
						260,
						50,
						22
					],
					"text": "render"
				}
			},
			{
				"box": {
					"id": "obj-38",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						""
					],
					"patching_rect": [
						300,
						230,
						40,
						22
					],
					"text": "sel 1"
				}
			},
			{
				"box": {
					"id": "obj-39",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						300,
						260,
						50,
						22
					],
					"text": "cancel"
				}
			},
			{
				"box": {
					"id": "obj-40",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"bang",
						"int",
						"int"
					],
					"patching_rect": [
						680,
						230,
						100,
						22
					],
					"text": "live.thisdevice"
				}
			},
			{
				"box": {
					"id": "obj-41",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"bang"
					],
					"patching_rect": [
						680,
						260,
						40,
						22
					],
					"text": "t b b"
				}
			},
			{
				"box": {
					"id": "obj-42",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						730,
						290,
						40,
						22
					],
					"text": "init"
				}
			},
			{
				"box": {
					"id": "obj-43",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"bang"
					],
					"patching_rect": [
						680,
						290,
						70,
						22
					],
					"text": "metro 2000"
				}
			},
			{
				"box": {
					"id": "obj-44",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						680,
						320,
						40,
						22
					],
					"text": "tick"
				}
			},
			{
				"box": {
					"id": "obj-45",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"",
						"",
						""
					],
					"patching_rect": [
						20,
						360,
						300,
						22
					],
					"text": "js shotcaller_max.js"
				}
			},
			{
				"box": {
					"id": "obj-46",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						20,
						420,
						300,
						22
					],
					"text": "node.script shotcaller_net.js @autostart 1 @watch 0"
				}
			},
			{
				"box": {
					"id": "obj-47",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						420,
						380,
						80,
						22
					],
					"text": "prepend port"
				}
			},
			{
				"box": {
					"id": "obj-50",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 12,
					"outlettype": [
						"",
						"",
						"",
						"",
						"",
						"",
						"",
						"",
						"",
						"",
						"",
						""
					],
					"patching_rect": [
						180,
						420,
						380,
						22
					],
					"text": "route online status progress error path seed daemon bank pads kits folder"
				}
			},
			{
				"box": {
					"id": "obj-51",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						180,
						450,
						70,
						22
					],
					"text": "prepend set"
				}
			},
			{
				"box": {
					"id": "obj-52",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						250,
						450,
						70,
						22
					],
					"text": "prepend set"
				}
			},
			{
				"box": {
					"id": "obj-53",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						320,
						450,
						70,
						22
					],
					"text": "prepend set"
				}
			},
			{
				"box": {
					"id": "obj-54",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						390,
						450,
						70,
						22
					],
					"text": "prepend set"
				}
			},
			{
				"box": {
					"id": "obj-55",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						460,
						450,
						70,
						22
					],
					"text": "prepend set"
				}
			},
			{
				"box": {
					"id": "obj-56",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						700,
						360,
						50,
						22
					],
					"text": "midiin"
				}
			},
			{
				"box": {
					"id": "obj-57",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 8,
					"outlettype": [
						"",
						"",
						"",
						"int",
						"int",
						"",
						"int",
						""
					],
					"patching_rect": [
						700,
						390,
						120,
						22
					],
					"text": "midiparse"
				}
			},
			{
				"box": {
					"id": "obj-58",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						700,
						420,
						60,
						22
					],
					"text": "gate 2 1"
				}
			},
			{
				"box": {
					"id": "obj-59",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						620,
						390,
						40,
						22
					],
					"text": "+ 1"
				}
			},
			{
				"box": {
					"id": "obj-60",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						760,
						450,
						80,
						22
					],
					"text": "prepend note"
				}
			},
			{
				"box": {
					"id": "obj-61",
					"maxclass": "newobj",
					"numinlets": 3,
					"numoutlets": 2,
					"outlettype": [
						"float",
						"float"
					],
					"patching_rect": [
						560,
						480,
						110,
						22
					],
					"text": "makenote 127 250"
				}
			},
			{
				"box": {
					"id": "obj-62",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						560,
						510,
						60,
						22
					],
					"text": "pack 0 0"
				}
			},
			{
				"box": {
					"id": "obj-63",
					"maxclass": "newobj",
					"numinlets": 7,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						700,
						540,
						120,
						22
					],
					"text": "midiformat"
				}
			},
			{
				"box": {
					"id": "obj-64",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"outlettype": [],
					"patching_rect": [
						700,
						570,
						60,
						22
					],
					"text": "midiout"
				}
			},
			{
				"box": {
					"id": "obj-int-daemon",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						420,
						100,
						29,
						22
					],
					"text": "i"
				}
			},
			{
				"box": {
					"id": "obj-daemon-text",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"outlettype": [],
					"patching_rect": [
						20,
						100,
						150,
						20
					],
					"text": "offline",
					"presentation": 1,
					"presentation_rect": [
						180,
						126,
						156,
						18
					],
					"varname": "daemon_text"
				}
			},
			{
				"box": {
					"id": "obj-daemon-set",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						450,
						450,
						70,
						22
					],
					"text": "prepend set"
				}
			},
			{
				"box": {
					"id": "obj-render-t",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"bang"
					],
					"patching_rect": [
						230,
						252,
						40,
						22
					],
					"text": "t b b"
				}
			},
			{
				"box": {
					"id": "obj-dice-t",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"bang"
					],
					"patching_rect": [
						160,
						252,
						40,
						22
					],
					"text": "t b b"
				}
			},
			{
				"box": {
					"id": "obj-send",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20,
						400,
						90,
						22
					],
					"text": "prepend send"
				}
			},
			{
				"box": {
					"id": "obj-bank-store",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"",
						"",
						""
					],
					"patching_rect": [
						600,
						20,
						120,
						22
					],
					"text": "pattr bank_store",
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Bank",
							"parameter_shortname": "Bank",
							"parameter_type": 3,
							"parameter_invisible": 1
						}
					},
					"varname": "Bank"
				}
			},
			{
				"box": {
					"id": "obj-bank-prepend",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						600,
						50,
						90,
						22
					],
					"text": "prepend bank"
				}
			},
			{
				"box": {
					"id": "obj-bank-set",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						600,
						80,
						80,
						22
					],
					"text": "prepend set"
				}
			},
			{
				"box": {
					"id": "obj-kit-label",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"outlettype": [],
					"patching_rect": [
						620,
						300,
						40,
						20
					],
					"text": "Kit",
					"presentation": 1,
					"presentation_rect": [
						344,
						26,
						28,
						18
					]
				}
			},
			{
				"box": {
					"id": "obj-kit-menu",
					"maxclass": "umenu",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"int",
						"",
						""
					],
					"patching_rect": [
						620,
						330,
						150,
						22
					],
					"presentation": 1,
					"presentation_rect": [
						372,
						27,
						152,
						16
					],
					"varname": "kit_menu",
					"items": [],
					"parameter_enable": 0,
					"fontsize": 9
				}
			},
			{
				"box": {
					"id": "obj-kit-prepend",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						620,
						360,
						80,
						22
					],
					"text": "prepend kit"
				}
			},
			{
				"box": {
					"id": "obj-pads-label",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"outlettype": [],
					"patching_rect": [
						620,
						390,
						40,
						20
					],
					"text": "Pads",
					"presentation": 1,
					"presentation_rect": [
						344,
						45,
						32,
						18
					]
				}
			},
			{
				"box": {
					"id": "obj-pads",
					"maxclass": "multislider",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						620,
						420,
						150,
						12
					],
					"presentation": 1,
					"presentation_rect": [
						376,
						48,
						148,
						12
					],
					"setminmax": [
						0,
						1
					],
					"orientation": 0,
					"ignoreclick": 1,
					"size": 16,
					"setstyle": 1,
					"parameter_enable": 0,
					"varname": "pads_progress"
				}
			},
			{
				"box": {
					"id": "obj-pads-set",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						620,
						440,
						70,
						22
					],
					"text": "prepend set"
				}
			},
			{
				"box": {
					"id": "obj-folder-btn",
					"maxclass": "live.text",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						780,
						300,
						70,
						20
					],
					"presentation": 1,
					"presentation_rect": [
						344,
						66,
						66,
						16
					],
					"mode": 0,
					"text": "Keep in...",
					"texton": "Keep in...",
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Keep Folder",
							"parameter_shortname": "Keep in.",
							"parameter_type": 2,
							"parameter_mmin": 0,
							"parameter_mmax": 1,
							"parameter_enum": [
								"off",
								"on"
							],
							"parameter_invisible": 2
						}
					},
					"varname": "Keep_Folder"
				}
			},
			{
				"box": {
					"id": "obj-folder-sel",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						780,
						330,
						40,
						22
					],
					"text": "sel 1"
				}
			},
			{
				"box": {
					"id": "obj-folder-dialog",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						780,
						360,
						100,
						22
					],
					"text": "opendialog fold"
				}
			},
			{
				"box": {
					"id": "obj-folder-conform",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						780,
						390,
						170,
						22
					],
					"text": "conformpath native absolute"
				}
			},
			{
				"box": {
					"id": "obj-folder-prepend",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						780,
						420,
						100,
						22
					],
					"text": "prepend folder"
				}
			},
			{
				"box": {
					"id": "obj-folder-text",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"outlettype": [],
					"patching_rect": [
						780,
						450,
						180,
						20
					],
					"text": "",
					"presentation": 1,
					"presentation_rect": [
						344,
						84,
						180,
						18
					],
					"varname": "folder_text",
					"fontsize": 9
				}
			},
			{
				"box": {
					"id": "obj-folder-set",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						780,
						480,
						70,
						22
					],
					"text": "prepend set"
				}
			},
			{
				"box": {
					"id": "obj-folder-store",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"",
						"",
						""
					],
					"patching_rect": [
						780,
						510,
						120,
						22
					],
					"text": "pattr folder_store",
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Folder",
							"parameter_shortname": "Folder",
							"parameter_type": 3,
							"parameter_invisible": 1
						}
					},
					"varname": "Folder"
				}
			},
			{
				"box": {
					"id": "obj-folder-store-set",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						900,
						480,
						70,
						22
					],
					"text": "prepend set"
				}
			},
			{
				"box": {
					"id": "obj-toclip-btn",
					"maxclass": "live.text",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						880,
						300,
						60,
						20
					],
					"presentation": 1,
					"presentation_rect": [
						414,
						66,
						56,
						16
					],
					"mode": 0,
					"text": "To clip",
					"texton": "To clip",
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "To Clip",
							"parameter_shortname": "To clip",
							"parameter_type": 2,
							"parameter_mmin": 0,
							"parameter_mmax": 1,
							"parameter_enum": [
								"off",
								"on"
							],
							"parameter_invisible": 2
						}
					},
					"varname": "To_Clip"
				}
			},
			{
				"box": {
					"id": "obj-toclip-sel",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						880,
						330,
						40,
						22
					],
					"text": "sel 1"
				}
			},
			{
				"box": {
					"id": "obj-toclip-msg",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						880,
						360,
						50,
						22
					],
					"text": "toclip"
				}
			},
			{
				"box": {
					"id": "obj-vary-btn",
					"maxclass": "live.text",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						980,
						300,
						50,
						20
					],
					"presentation": 1,
					"presentation_rect": [
						532,
						6,
						44,
						16
					],
					"mode": 0,
					"text": "Vary",
					"texton": "Vary",
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Vary",
							"parameter_shortname": "Vary",
							"parameter_type": 2,
							"parameter_mmin": 0,
							"parameter_mmax": 1,
							"parameter_enum": [
								"off",
								"on"
							],
							"parameter_invisible": 2
						}
					},
					"varname": "Vary"
				}
			},
			{
				"box": {
					"id": "obj-vary-sel",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						980,
						330,
						40,
						22
					],
					"text": "sel 1"
				}
			},
			{
				"box": {
					"id": "obj-vary-msg",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						980,
						360,
						50,
						22
					],
					"text": "vary"
				}
			},
			{
				"box": {
					"id": "obj-restyle-btn",
					"maxclass": "live.text",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						1050,
						300,
						60,
						20
					],
					"presentation": 1,
					"presentation_rect": [
						580,
						6,
						54,
						16
					],
					"mode": 0,
					"text": "Restyle",
					"texton": "Restyle",
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Restyle",
							"parameter_shortname": "Restyle",
							"parameter_type": 2,
							"parameter_mmin": 0,
							"parameter_mmax": 1,
							"parameter_enum": [
								"off",
								"on"
							],
							"parameter_invisible": 2
						}
					},
					"varname": "Restyle"
				}
			},
			{
				"box": {
					"id": "obj-restyle-sel",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						1050,
						330,
						40,
						22
					],
					"text": "sel 1"
				}
			},
			{
				"box": {
					"id": "obj-restyle-msg",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1050,
						360,
						50,
						22
					],
					"text": "restyle"
				}
			},
			{
				"box": {
					"id": "obj-morph-dial",
					"maxclass": "live.dial",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						1130,
						300,
						44,
						48
					],
					"presentation": 1,
					"presentation_rect": [
						532,
						28,
						44,
						48
					],
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Morph Amount",
							"parameter_shortname": "Morph",
							"parameter_type": 0,
							"parameter_mmin": 0.0,
							"parameter_mmax": 1.0,
							"parameter_initial_enable": 1,
							"parameter_initial": [
								0.5
							],
							"parameter_unitstyle": 5,
							"parameter_invisible": 1
						}
					},
					"varname": "Morph_Amount"
				}
			},
			{
				"box": {
					"id": "obj-morph-amount",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1130,
						360,
						130,
						22
					],
					"text": "prepend morph amount"
				}
			},
			{
				"box": {
					"id": "obj-morph-with-label",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"outlettype": [],
					"patching_rect": [
						1280,
						280,
						40,
						20
					],
					"text": "with",
					"presentation": 1,
					"presentation_rect": [
						580,
						30,
						28,
						18
					]
				}
			},
			{
				"box": {
					"id": "obj-morph-with",
					"maxclass": "live.numbox",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						1280,
						300,
						44,
						15
					],
					"presentation": 1,
					"presentation_rect": [
						606,
						31,
						28,
						15
					],
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Morph With",
							"parameter_shortname": "With",
							"parameter_type": 1,
							"parameter_mmin": 0,
							"parameter_mmax": 15,
							"parameter_initial_enable": 1,
							"parameter_initial": [
								1
							],
							"parameter_unitstyle": 0,
							"parameter_invisible": 1
						}
					},
					"varname": "Morph_With"
				}
			},
			{
				"box": {
					"id": "obj-morph-with-prepend",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1280,
						330,
						120,
						22
					],
					"text": "prepend morph with"
				}
			},
			{
				"box": {
					"id": "obj-morph-into-label",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"outlettype": [],
					"patching_rect": [
						1410,
						280,
						40,
						20
					],
					"text": "into",
					"presentation": 1,
					"presentation_rect": [
						580,
						48,
						28,
						18
					]
				}
			},
			{
				"box": {
					"id": "obj-morph-into",
					"maxclass": "live.numbox",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"patching_rect": [
						1410,
						300,
						44,
						15
					],
					"presentation": 1,
					"presentation_rect": [
						606,
						49,
						28,
						15
					],
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Morph Into",
							"parameter_shortname": "Into",
							"parameter_type": 1,
							"parameter_mmin": 0,
							"parameter_mmax": 15,
							"parameter_initial_enable": 1,
							"parameter_initial": [
								15
							],
							"parameter_unitstyle": 0,
							"parameter_invisible": 1
						}
					},
					"varname": "Morph_Into"
				}
			},
			{
				"box": {
					"id": "obj-morph-into-prepend",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1410,
						330,
						120,
						22
					],
					"text": "prepend morph into"
				}
			},
			{
				"box": {
					"id": "obj-morph-btn",
					"maxclass": "live.text",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						1540,
						300,
						60,
						20
					],
					"presentation": 1,
					"presentation_rect": [
						580,
						68,
						54,
						16
					],
					"mode": 0,
					"text": "Morph",
					"texton": "Morph",
					"parameter_enable": 1,
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_longname": "Morph",
							"parameter_shortname": "Morph",
							"parameter_type": 2,
							"parameter_mmin": 0,
							"parameter_mmax": 1,
							"parameter_enum": [
								"off",
								"on"
							],
							"parameter_invisible": 2
						}
					},
					"varname": "Morph"
				}
			},
			{
				"box": {
					"id": "obj-morph-sel",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						1540,
						330,
						40,
						22
					],
					"text": "sel 1"
				}
			},
			{
				"box": {
					"id": "obj-morph-msg",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1540,
						360,
						50,
						22
					],
					"text": "morph"
				}
			},
			{
				"box": {
					"id": "obj-ops-hint",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"outlettype": [],
					"patching_rect": [
						980,
						420,
						300,
						40
					],
					"text": "Vary: near the slot's sound. Restyle: toward the prompt box's words. Morph: slot to 'with', into 'into'.",
					"presentation": 1,
					"presentation_rect": [
						532,
						90,
						104,
						72
					]
				}
			}
		],
		"lines": [
			{
				"patchline": {
					"source": [
						"obj-1",
						0
					],
					"destination": [
						"obj-25",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-25",
						0
					],
					"destination": [
						"obj-26",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-25",
						1
					],
					"destination": [
						"obj-26",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-24",
						0
					],
					"destination": [
						"obj-26",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-26",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-3",
						0
					],
					"destination": [
						"obj-27",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-27",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-5",
						0
					],
					"destination": [
						"obj-28",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-28",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-8",
						0
					],
					"destination": [
						"obj-29",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-29",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-9",
						0
					],
					"destination": [
						"obj-30",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-30",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-10",
						0
					],
					"destination": [
						"obj-31",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-31",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-11",
						0
					],
					"destination": [
						"obj-32",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-32",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-7",
						0
					],
					"destination": [
						"obj-33",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-33",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-6",
						0
					],
					"destination": [
						"obj-34",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-34",
						0
					],
					"destination": [
						"obj-dice-t",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-35",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-12",
						0
					],
					"destination": [
						"obj-36",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-36",
						0
					],
					"destination": [
						"obj-render-t",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-37",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-13",
						0
					],
					"destination": [
						"obj-38",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-38",
						0
					],
					"destination": [
						"obj-39",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-39",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-40",
						0
					],
					"destination": [
						"obj-41",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-41",
						1
					],
					"destination": [
						"obj-42",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-41",
						0
					],
					"destination": [
						"obj-43",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-42",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-43",
						0
					],
					"destination": [
						"obj-44",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-44",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-int-daemon",
						0
					],
					"destination": [
						"obj-47",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-47",
						0
					],
					"destination": [
						"obj-46",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-45",
						1
					],
					"destination": [
						"obj-50",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-50",
						0
					],
					"destination": [
						"obj-51",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-51",
						0
					],
					"destination": [
						"obj-15",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-50",
						1
					],
					"destination": [
						"obj-52",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-52",
						0
					],
					"destination": [
						"obj-16",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-50",
						2
					],
					"destination": [
						"obj-53",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-53",
						0
					],
					"destination": [
						"obj-14",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-50",
						3
					],
					"destination": [
						"obj-54",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-54",
						0
					],
					"destination": [
						"obj-17",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-50",
						4
					],
					"destination": [
						"obj-55",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-55",
						0
					],
					"destination": [
						"obj-23",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-50",
						5
					],
					"destination": [
						"obj-5",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-7",
						0
					],
					"destination": [
						"obj-59",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-59",
						0
					],
					"destination": [
						"obj-58",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-60",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-57",
						1
					],
					"destination": [
						"obj-63",
						1
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-57",
						2
					],
					"destination": [
						"obj-63",
						2
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-57",
						3
					],
					"destination": [
						"obj-63",
						3
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-57",
						4
					],
					"destination": [
						"obj-63",
						4
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-57",
						5
					],
					"destination": [
						"obj-63",
						5
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-57",
						6
					],
					"destination": [
						"obj-63",
						6
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-45",
						2
					],
					"destination": [
						"obj-61",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-61",
						0
					],
					"destination": [
						"obj-62",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-61",
						1
					],
					"destination": [
						"obj-62",
						1
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-62",
						0
					],
					"destination": [
						"obj-63",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-63",
						0
					],
					"destination": [
						"obj-64",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-int-daemon",
						0
					],
					"source": [
						"obj-19",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-daemon-set",
						0
					],
					"source": [
						"obj-50",
						6
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-daemon-text",
						0
					],
					"source": [
						"obj-daemon-set",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-37",
						0
					],
					"source": [
						"obj-render-t",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-1",
						0
					],
					"source": [
						"obj-render-t",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-35",
						0
					],
					"source": [
						"obj-dice-t",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-1",
						0
					],
					"source": [
						"obj-dice-t",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-send",
						0
					],
					"source": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-46",
						0
					],
					"source": [
						"obj-send",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-45",
						0
					],
					"source": [
						"obj-46",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-bank-prepend",
						0
					],
					"source": [
						"obj-bank-store",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-45",
						0
					],
					"source": [
						"obj-bank-prepend",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-bank-set",
						0
					],
					"source": [
						"obj-50",
						7
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-bank-store",
						0
					],
					"source": [
						"obj-bank-set",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-58",
						1
					],
					"source": [
						"obj-56",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-60",
						0
					],
					"source": [
						"obj-57",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-64",
						0
					],
					"source": [
						"obj-58",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-57",
						0
					],
					"source": [
						"obj-58",
						1
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-50",
						8
					],
					"destination": [
						"obj-pads-set",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-pads-set",
						0
					],
					"destination": [
						"obj-pads",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-50",
						9
					],
					"destination": [
						"obj-kit-menu",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-kit-menu",
						1
					],
					"destination": [
						"obj-kit-prepend",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-kit-prepend",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-folder-btn",
						0
					],
					"destination": [
						"obj-folder-sel",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-folder-sel",
						0
					],
					"destination": [
						"obj-folder-dialog",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-folder-dialog",
						0
					],
					"destination": [
						"obj-folder-conform",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-folder-conform",
						0
					],
					"destination": [
						"obj-folder-prepend",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-folder-prepend",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-50",
						10
					],
					"destination": [
						"obj-folder-set",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-folder-set",
						0
					],
					"destination": [
						"obj-folder-text",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-50",
						10
					],
					"destination": [
						"obj-folder-store-set",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-folder-store-set",
						0
					],
					"destination": [
						"obj-folder-store",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-folder-store",
						0
					],
					"destination": [
						"obj-folder-prepend",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-toclip-btn",
						0
					],
					"destination": [
						"obj-toclip-sel",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-toclip-sel",
						0
					],
					"destination": [
						"obj-toclip-msg",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-toclip-msg",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-vary-btn",
						0
					],
					"destination": [
						"obj-vary-sel",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-vary-sel",
						0
					],
					"destination": [
						"obj-vary-msg",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-vary-msg",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-restyle-btn",
						0
					],
					"destination": [
						"obj-restyle-sel",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-restyle-sel",
						0
					],
					"destination": [
						"obj-restyle-msg",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-restyle-msg",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-morph-dial",
						0
					],
					"destination": [
						"obj-morph-amount",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-morph-amount",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-morph-with",
						0
					],
					"destination": [
						"obj-morph-with-prepend",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-morph-with-prepend",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-morph-into",
						0
					],
					"destination": [
						"obj-morph-into-prepend",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-morph-into-prepend",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-morph-btn",
						0
					],
					"destination": [
						"obj-morph-sel",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-morph-sel",
						0
					],
					"destination": [
						"obj-morph-msg",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-morph-msg",
						0
					],
					"destination": [
						"obj-45",
						0
					]
				}
			}
		],
		"parameters": {
			"obj-3": [
				"Slot",
				"Slot",
				0
			],
			"obj-5": [
				"Seed",
				"Seed",
				0
			],
			"obj-6": [
				"Dice",
				"Dice",
				0
			],
			"obj-7": [
				"Play via",
				"Play via",
				0
			],
			"obj-8": [
				"Steps",
				"Steps",
				0
			],
			"obj-9": [
				"Guidance",
				"Guidance",
				0
			],
			"obj-10": [
				"Strength",
				"Strength",
				0
			],
			"obj-11": [
				"Duration",
				"Duration",
				0
			],
			"obj-12": [
				"Render",
				"Render",
				0
			],
			"obj-13": [
				"Cancel",
				"Cancel",
				0
			],
			"obj-19": [
				"Daemon Port",
				"Port",
				0
			],
			"obj-24": [
				"Prompt",
				"Prompt",
				0
			],
			"obj-bank-store": [
				"Bank",
				"Bank",
				0
			],
			"obj-folder-btn": [
				"Keep Folder",
				"Keep in.",
				0
			],
			"obj-folder-store": [
				"Folder",
				"Folder",
				0
			],
			"obj-toclip-btn": [
				"To Clip",
				"To clip",
				0
			],
			"obj-vary-btn": [
				"Vary",
				"Vary",
				0
			],
			"obj-restyle-btn": [
				"Restyle",
				"Restyle",
				0
			],
			"obj-morph-dial": [
				"Morph Amount",
				"Morph",
				0
			],
			"obj-morph-with": [
				"Morph With",
				"With",
				0
			],
			"obj-morph-into": [
				"Morph Into",
				"Into",
				0
			],
			"obj-morph-btn": [
				"Morph",
				"Morph",
				0
			]
		},
		"dependency_cache": [
			{
				"name": "shotcaller_max.js",
				"bootpath": "./src",
				"patcherrelativepath": "./src",
				"type": "TEXT",
				"implicit": 1
			},
			{
				"name": "shotcaller_live.js",
				"bootpath": "./src",
				"patcherrelativepath": "./src",
				"type": "TEXT",
				"implicit": 1
			},
			{
				"name": "shotcaller_net.js",
				"bootpath": "./node",
				"patcherrelativepath": "./node",
				"type": "TEXT",
				"implicit": 1
			},
			{
				"name": "osc_codec.js",
				"bootpath": "./node",
				"patcherrelativepath": "./node",
				"type": "TEXT",
				"implicit": 1
			}
		],
		"latency": 0,
		"is_mpe": 0,
		"autosave": 0
	}
}
