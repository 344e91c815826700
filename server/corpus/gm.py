"""General MIDI facts: program names, families, percussion keys and the sound classes we train on.

The 20 sound classes are the product's vocabulary (what a producer asks for), not GM's families.
"""

from __future__ import annotations

GM_PROGRAMS: tuple[str, ...] = (
    "Acoustic Grand Piano", "Bright Acoustic Piano", "Electric Grand Piano", "Honky-tonk Piano",
    "Electric Piano 1", "Electric Piano 2", "Harpsichord", "Clavinet",
    "Celesta", "Glockenspiel", "Music Box", "Vibraphone",
    "Marimba", "Xylophone", "Tubular Bells", "Dulcimer",
    "Drawbar Organ", "Percussive Organ", "Rock Organ", "Church Organ",
    "Reed Organ", "Accordion", "Harmonica", "Tango Accordion",
    "Acoustic Guitar (nylon)", "Acoustic Guitar (steel)", "Electric Guitar (jazz)",
    "Electric Guitar (clean)", "Electric Guitar (muted)", "Overdriven Guitar",
    "Distortion Guitar", "Guitar Harmonics",
    "Acoustic Bass", "Electric Bass (finger)", "Electric Bass (pick)", "Fretless Bass",
    "Slap Bass 1", "Slap Bass 2", "Synth Bass 1", "Synth Bass 2",
    "Violin", "Viola", "Cello", "Contrabass",
    "Tremolo Strings", "Pizzicato Strings", "Orchestral Harp", "Timpani",
    "String Ensemble 1", "String Ensemble 2", "Synth Strings 1", "Synth Strings 2",
    "Choir Aahs", "Voice Oohs", "Synth Voice", "Orchestra Hit",
    "Trumpet", "Trombone", "Tuba", "Muted Trumpet",
    "French Horn", "Brass Section", "Synth Brass 1", "Synth Brass 2",
    "Soprano Sax", "Alto Sax", "Tenor Sax", "Baritone Sax",
    "Oboe", "English Horn", "Bassoon", "Clarinet",
    "Piccolo", "Flute", "Recorder", "Pan Flute",
    "Blown Bottle", "Shakuhachi", "Whistle", "Ocarina",
    "Lead 1 (square)", "Lead 2 (sawtooth)", "Lead 3 (calliope)", "Lead 4 (chiff)",
    "Lead 5 (charang)", "Lead 6 (voice)", "Lead 7 (fifths)", "Lead 8 (bass + lead)",
    "Pad 1 (new age)", "Pad 2 (warm)", "Pad 3 (polysynth)", "Pad 4 (choir)",
    "Pad 5 (bowed)", "Pad 6 (metallic)", "Pad 7 (halo)", "Pad 8 (sweep)",
    "FX 1 (rain)", "FX 2 (soundtrack)", "FX 3 (crystal)", "FX 4 (atmosphere)",
    "FX 5 (brightness)", "FX 6 (goblins)", "FX 7 (echoes)", "FX 8 (sci-fi)",
    "Sitar", "Banjo", "Shamisen", "Koto",
    "Kalimba", "Bagpipe", "Fiddle", "Shanai",
    "Tinkle Bell", "Agogo", "Steel Drums", "Woodblock",
    "Taiko Drum", "Melodic Tom", "Synth Drum", "Reverse Cymbal",
    "Guitar Fret Noise", "Breath Noise", "Seashore", "Bird Tweet",
    "Telephone Ring", "Helicopter", "Applause", "Gunshot",
)  # fmt: skip

# GM percussion key map (channel 10), keys 35-81.
GM_DRUM_KEYS: dict[int, str] = {
    35: "Acoustic Bass Drum", 36: "Bass Drum 1", 37: "Side Stick", 38: "Acoustic Snare",
    39: "Hand Clap", 40: "Electric Snare", 41: "Low Floor Tom", 42: "Closed Hi-Hat",
    43: "High Floor Tom", 44: "Pedal Hi-Hat", 45: "Low Tom", 46: "Open Hi-Hat",
    47: "Low-Mid Tom", 48: "Hi-Mid Tom", 49: "Crash Cymbal 1", 50: "High Tom",
    51: "Ride Cymbal 1", 52: "Chinese Cymbal", 53: "Ride Bell", 54: "Tambourine",
    55: "Splash Cymbal", 56: "Cowbell", 57: "Crash Cymbal 2", 58: "Vibraslap",
    59: "Ride Cymbal 2", 60: "Hi Bongo", 61: "Low Bongo", 62: "Mute Hi Conga",
    63: "Open Hi Conga", 64: "Low Conga", 65: "High Timbale", 66: "Low Timbale",
    67: "High Agogo", 68: "Low Agogo", 69: "Cabasa", 70: "Maracas",
    71: "Short Whistle", 72: "Long Whistle", 73: "Short Guiro", 74: "Long Guiro",
    75: "Claves", 76: "Hi Wood Block", 77: "Low Wood Block", 78: "Mute Cuica",
    79: "Open Cuica", 80: "Mute Triangle", 81: "Open Triangle",
}  # fmt: skip

CLASSES: tuple[str, ...] = (
    "kick", "snare", "clap", "closed_hat", "open_hat", "cymbal", "tom", "rim", "perc", "shaker",
    "bass", "keys", "organ", "guitar", "strings", "brass", "reed_pipe", "mallet_bell", "synth",
    "vocal",
)  # fmt: skip
DRUM_CLASSES = frozenset(CLASSES[:10])
FX_CLASS = "fx"  # rendered and kept, but outside the 20 classes the model is judged on

_DRUM_CLASS_BY_KEY: dict[int, str] = {
    **dict.fromkeys((35, 36), "kick"),
    37: "rim", 75: "rim",
    **dict.fromkeys((38, 40), "snare"),
    39: "clap",
    **dict.fromkeys((41, 43, 45, 47, 48, 50), "tom"),
    **dict.fromkeys((42, 44), "closed_hat"),
    46: "open_hat",
    **dict.fromkeys((49, 51, 52, 53, 55, 57, 59), "cymbal"),
    **dict.fromkeys((54, 69, 70, 73, 74), "shaker"),
    **dict.fromkeys((56, 58, 60, 61, 62, 63, 64, 65, 66, 67, 68, 71, 72, 76, 77, 78, 79, 80, 81),
                    "perc"),
}  # fmt: skip


def drum_class(key: int) -> str:
    """Sound class of a GM percussion key."""
    return _DRUM_CLASS_BY_KEY.get(key, "perc")


def program_class(program: int) -> str:
    """Sound class of a GM melodic program (0-127)."""
    if not 0 <= program <= 127:
        raise ValueError(f"program must be in 0..127, got {program}")
    special = {
        21: "reed_pipe", 22: "reed_pipe", 23: "reed_pipe", 45: "strings", 46: "strings",
        47: "tom", 52: "vocal", 53: "vocal", 54: "vocal", 55: "synth",
        104: "guitar", 105: "guitar", 106: "guitar", 107: "guitar", 108: "mallet_bell",
        109: "reed_pipe", 110: "strings", 111: "reed_pipe", 112: "mallet_bell", 113: "perc",
        114: "mallet_bell", 115: "perc", 116: "tom", 117: "tom", 118: "tom", 119: "cymbal",
    }
    if program in special:
        return special[program]
    by_group = (
        "keys", "mallet_bell", "organ", "guitar", "bass", "strings", "strings", "brass",
        "reed_pipe", "reed_pipe", "synth", "synth", "synth", "guitar", "perc", FX_CLASS,
    )
    return by_group[program // 8]


# NSynth's instrument families, for the `instrument_family_str` field.
_NSYNTH_FAMILY_BY_CLASS = {
    "bass": "bass", "keys": "keyboard", "organ": "organ", "guitar": "guitar",
    "strings": "string", "brass": "brass", "reed_pipe": "reed", "mallet_bell": "mallet",
    "synth": "synth_lead", "vocal": "vocal",
}  # fmt: skip


def nsynth_family(sound_class: str, program: int | None = None) -> str:
    """NSynth family of a sound class (drums and effects have none in NSynth: 'percussion')."""
    if sound_class == "reed_pipe" and program is not None and 72 <= program <= 79:
        return "flute"
    return _NSYNTH_FAMILY_BY_CLASS.get(sound_class, "percussion")


def nsynth_source(program: int | None, name: str) -> str:
    """NSynth source: acoustic, electronic or synthetic, guessed from the GM program or name."""
    lowered = name.lower()
    if program is None:
        electronic = ("808", "909", "electro", "tr-", "synth")
        return "electronic" if any(w in lowered for w in electronic) else "acoustic"
    if 80 <= program <= 103 or program in (38, 39, 50, 51, 54, 62, 63, 118) or "synth" in lowered:
        return "synthetic"
    if program in (2, 4, 5, 16, 17, 18, 26, 27, 28, 29, 30, 33, 34, 36, 37):
        return "electronic"
    return "acoustic"


# Playable ranges (MIDI notes) by class: a note outside renders but is not what a player plays.
CLASS_RANGES: dict[str, tuple[int, int]] = {
    "bass": (28, 67), "keys": (24, 96), "organ": (36, 96), "guitar": (40, 88),
    "strings": (36, 96), "brass": (40, 84), "reed_pipe": (48, 96), "mallet_bell": (48, 100),
    "synth": (28, 96), "vocal": (48, 84), "tom": (36, 72), "perc": (48, 84),
    "cymbal": (48, 72), FX_CLASS: (48, 72),
}  # fmt: skip
