"""Captions in the words producers use, from class, names, source and qualities.

Several captions per sample, chosen by a generator seeded from the sample's id so that the
same corpus always gets the same captions.
"""

from __future__ import annotations

import hashlib
import random
import re

from .vocabulary import held_out_in

CLASS_NOUNS: dict[str, tuple[str, ...]] = {
    "kick": ("kick", "kick drum", "bass drum", "bd"),
    "snare": ("snare", "snare drum", "snare hit"),
    "clap": ("clap", "hand clap", "handclap"),
    "closed_hat": ("closed hi-hat", "closed hat", "hi-hat", "hihat", "hat"),
    "open_hat": ("open hi-hat", "open hat", "open hihat"),
    "cymbal": ("cymbal", "crash", "cymbal hit"),
    "tom": ("tom", "tom drum", "tom hit"),
    "rim": ("rimshot", "rim", "side stick", "rim click"),
    "perc": ("percussion", "perc", "percussion hit"),
    "shaker": ("shaker", "shaker hit", "tambourine"),
    "bass": ("bass", "bass note", "bass hit"),
    "keys": ("keys", "piano", "keys note"),
    "organ": ("organ", "organ note", "organ stab"),
    "guitar": ("guitar", "guitar pluck", "guitar note"),
    "strings": ("strings", "string section", "string note"),
    "brass": ("brass", "brass stab", "horn"),
    "reed_pipe": ("woodwind", "wind instrument", "reed"),
    "mallet_bell": ("bell", "mallet", "bell hit"),
    "synth": ("synth", "synth note", "synth sound"),
    "vocal": ("vocal", "voice", "vox", "choir"),
    "fx": ("sound effect", "fx", "effect"),
    "unknown": ("one-shot", "sample", "sound"),
}

# Specific names worth their own noun, found in GM or drum-key names.
NAME_NOUNS: dict[str, tuple[str, ...]] = {
    "crash": ("crash cymbal", "crash"), "ride": ("ride cymbal", "ride"), "splash": ("splash",),
    "china": ("china cymbal",), "chinese": ("china cymbal",), "bell": ("bell",),
    "cowbell": ("cowbell",), "conga": ("conga",), "bongo": ("bongo",), "timbale": ("timbale",),
    "agogo": ("agogo",), "cabasa": ("cabasa",), "maracas": ("maracas", "shaker"),
    "tambourine": ("tambourine",), "guiro": ("guiro",), "claves": ("clave", "claves"),
    "wood block": ("woodblock", "wood block"), "woodblock": ("woodblock",), "cuica": ("cuica",),
    "triangle": ("triangle",), "whistle": ("whistle",), "vibraslap": ("vibraslap",),
    "floor tom": ("floor tom",), "pedal": ("pedal hat", "foot hat"),
    "electric piano": ("electric piano", "rhodes", "ep"), "harpsichord": ("harpsichord",),
    "clavinet": ("clav", "clavinet"), "grand piano": ("grand piano", "piano"),
    "celesta": ("celesta",), "glockenspiel": ("glockenspiel", "glock"),
    "music box": ("music box",), "vibraphone": ("vibraphone", "vibes"),
    "marimba": ("marimba",), "xylophone": ("xylophone",), "tubular": ("tubular bells", "chime"),
    "kalimba": ("kalimba", "thumb piano"), "steel drum": ("steel drum", "steel pan"),
    "drawbar": ("drawbar organ", "hammond"), "church organ": ("church organ", "pipe organ"),
    "accordion": ("accordion",), "harmonica": ("harmonica",),
    "nylon": ("nylon guitar", "classical guitar"), "steel": ("steel guitar", "acoustic guitar"),
    "jazz": ("jazz guitar",), "muted": ("muted guitar", "palm muted guitar"),
    "overdriven": ("overdriven guitar", "crunchy guitar"),
    "distortion": ("distorted guitar", "dist guitar"), "sitar": ("sitar",),
    "banjo": ("banjo",), "koto": ("koto",), "shamisen": ("shamisen",),
    "slap": ("slap bass",), "fretless": ("fretless bass",), "synth bass": ("synth bass",),
    "acoustic bass": ("upright bass", "double bass"), "finger": ("finger bass",),
    "pick": ("picked bass",), "violin": ("violin",), "viola": ("viola",), "cello": ("cello",),
    "contrabass": ("contrabass",), "pizzicato": ("pizzicato strings", "pizz"),
    "harp": ("harp",), "tremolo": ("tremolo strings",), "fiddle": ("fiddle",),
    "trumpet": ("trumpet",), "trombone": ("trombone",), "tuba": ("tuba",),
    "french horn": ("french horn",), "sax": ("sax", "saxophone"), "oboe": ("oboe",),
    "english horn": ("english horn",), "bassoon": ("bassoon",), "clarinet": ("clarinet",),
    "piccolo": ("piccolo",), "flute": ("flute",), "recorder": ("recorder",),
    "pan flute": ("pan flute", "pan pipes"), "bottle": ("blown bottle",),
    "shakuhachi": ("shakuhachi",), "ocarina": ("ocarina",), "bagpipe": ("bagpipe",),
    "shanai": ("shehnai",), "square": ("square lead", "square wave synth"),
    "sawtooth": ("saw lead", "sawtooth synth", "supersaw"), "pad": ("pad", "synth pad"),
    "lead": ("lead", "synth lead"), "choir": ("choir", "choir aah"), "oohs": ("ooh vocal",),
    "voice": ("voice",), "orchestra hit": ("orchestra hit", "orch stab"), "timpani": ("timpani",),
    "taiko": ("taiko drum",), "synth drum": ("synth tom", "electronic tom"),
    "reverse cymbal": ("reverse cymbal", "reversed crash"), "sweep": ("sweep pad",),
    "brass section": ("brass section",), "synth brass": ("synth brass",),
    "synth strings": ("synth strings",), "string ensemble": ("string ensemble",),
    "side stick": ("side stick", "cross stick"), "hand clap": ("hand clap",),
}  # fmt: skip

KIT_WORDS: dict[str, tuple[str, ...]] = {
    "808": ("808", "tr-808", "analog drum machine"), "909": ("909", "tr-909"),
    "electronic": ("electronic", "drum machine"), "power": ("powerful", "rock"),
    "room": ("roomy", "room"), "jazz": ("jazz",), "brush": ("brushed", "brush"),
    "orchestra": ("orchestral", "concert"), "dance": ("dance", "club"), "house": ("house",),
    "techno": ("techno",), "hip hop": ("hip hop",), "standard": ("acoustic", "studio"),
}  # fmt: skip

QUALITY_WORDS: dict[str, tuple[str, ...]] = {
    "bright": ("bright", "crisp", "airy", "sharp"),
    "dark": ("dark", "warm", "muffled", "mellow"),
    "fast_decay": ("short", "tight", "snappy", "clipped"),
    "long_release": ("long", "sustained", "ringing", "with a long tail"),
    "noisy": ("noisy", "gritty", "breathy"),
    "percussive": ("punchy", "percussive", "plucky"),
    "soft": ("soft", "gentle", "quiet", "light"),
    "hard": ("hard", "loud", "aggressive", "heavy"),
}
#: more words per quality (captions write them; prompts are read with them too,
#: ``diffusion/prompt_words.py``)
CAPTION_SYNONYMS: dict[str, tuple[str, ...]] = {
    "bright": ("sizzling", "glassy", "shimmering", "present", "bright-sounding"),
    "dark": ("dull", "round", "soft-edged", "low-passed"),
    "fast_decay": ("quick", "dry", "short-decay"),
    "long_release": ("slow-decaying", "long-ringing", "sustaining"),
    "noisy": ("textured", "hazy"),
    "percussive": ("transient-heavy", "hard-attack"),
    "soft": ("subtle", "low-velocity"),
    "hard": ("hard-hitting", "forceful", "full-velocity"),
}
#: genre words a generator's style earns ("808" → trap); a style, never a claim about the audio
GENRE_WORDS: dict[str, tuple[str, ...]] = {
    "808": ("trap", "drill", "hip hop"), "909": ("house", "techno"), "707": ("disco", "electro"),
    "acid": ("acid house", "acid techno"), "reese": ("dnb", "jungle", "drum and bass"),
    "supersaw": ("trance", "edm", "future bass"), "lofi": ("lofi", "boom bap", "lo-fi hip hop"),
    "fm": ("80s", "retro"), "sub": ("uk drill", "trap"), "pluck": ("future house", "tropical"),
    "pad": ("ambient", "chillout"), "organ": ("gospel", "deep house"),
    "conga": ("latin", "reggaeton"), "cowbell": ("latin", "funk"),
}  # fmt: skip
# Class-specific words for long sounds: "boomy kick", "long 808".
LONG_WORDS = {"kick": ("boomy", "long boom"), "tom": ("boomy",), "bass": ("sub", "deep")}
SOURCE_WORDS = {
    "acoustic": ("acoustic", "natural", "real"),
    "electronic": ("electric", "electronic"),
    "synthetic": ("synthetic", "analog", "digital"),
}


#: qualities a prompt can ask for, each with the one it excludes
OPPOSITE_QUALITIES = {"bright": "dark", "dark": "bright", "fast_decay": "long_release",
                      "long_release": "fast_decay", "soft": "hard", "hard": "soft"}


#: words that ask for a pitched sound's lower or upper register ("deep pad", "high bell")
REGISTER_WORDS = {"low": ("low", "deep", "sub", "lower"), "high": ("high", "higher")}


def prompt_register(prompt: str) -> str | None:
    """"low", "high" or None: the register a prompt asks for, when it asks for one side only."""
    text = " " + re.sub(r"[^a-z0-9 ]+", " ", prompt.lower()) + " "
    found = [side for side, words in REGISTER_WORDS.items()
             if any(f" {w} " in text for w in words)]
    return found[0] if len(found) == 1 else None


def _rng(key: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha1(key.encode()).digest()[:8], "big"))


def name_nouns(name: str) -> list[str]:
    """Specific nouns found in a GM, preset, key or file name."""
    lowered = re.sub(r"[^a-z0-9 ]+", " ", name.lower())
    found = []
    for needle, nouns in NAME_NOUNS.items():
        if re.search(rf"\b{re.escape(needle)}", lowered):
            found.extend(nouns)
    return found


def kit_words(name: str) -> list[str]:
    lowered = name.lower()
    return [w for needle, words in KIT_WORDS.items() if needle in lowered for w in words]


def make_captions(
    *,
    key: str,
    sound_class: str,
    names: list[str],
    kit_names: list[str] = (),
    source: str,
    qualities: list[str],
    nouns: list[str] = (),
    words: list[str] = (),
    n: int = 4,
) -> list[str]:
    """``n`` distinct captions, deterministic in ``key``.

    ``names`` (GM, key or file names) give specific nouns; ``kit_names`` (a drum kit's preset
    name) only give style words: a "Jazz" kit's snare is a jazz snare, not a jazz guitar.
    ``nouns`` and ``words`` are used as they are: a generator's own names ("808 kick",
    "supersaw") and the adjectives its parameters or a confirmed effect earned ("long boom",
    "crunchy").
    """
    rng = _rng(key)
    class_nouns = list(CLASS_NOUNS.get(sound_class, CLASS_NOUNS["unknown"]))
    specific = [*nouns, *(noun for name in names for noun in name_nouns(name))]
    kit = [w for name in kit_names for w in kit_words(name)]
    adjectives = [*words, *(w for q in qualities
                            for w in (*QUALITY_WORDS.get(q, ())[:3], *CAPTION_SYNONYMS.get(q, ())))]
    # The eval's held-out words never reach a caption, whatever a name or generator says.
    specific, kit, adjectives = ([w for w in ws if not held_out_in(w)]
                                 for ws in (specific, kit, adjectives))
    if "long_release" in qualities:
        adjectives += LONG_WORDS.get(sound_class, ())
    source_adj = list(SOURCE_WORDS.get(source, ()))

    captions: list[str] = []
    attempts = 0
    while len(captions) < n and attempts < 12 * n:
        attempts += 1
        noun = rng.choice(specific + class_nouns if specific and rng.random() < 0.6
                          else class_nouns)
        words = []
        if kit and rng.random() < 0.6:
            words.append(rng.choice(kit))
        k = rng.choice((0, 1, 1, 2, 2, 3)) if adjectives else 0
        words += rng.sample(adjectives, min(k, len(adjectives)))
        if source_adj and rng.random() < 0.25:
            words.append(rng.choice(source_adj))
        if noun.split()[-1] not in {w.split()[-1] for w in words}:
            words.append(noun)
        suffix = rng.choice(("", "", "", " one-shot", " sample", " hit"))
        if noun.endswith(("hit", "stab", "sample")):
            suffix = ""
        text = " ".join(dict.fromkeys(words)) + suffix
        if len(captions) == 0 and specific and specific[0] not in text:
            text = f"{text}, {specific[0]}"
        if text not in captions and not held_out_in(text):
            captions.append(text)
    return captions
