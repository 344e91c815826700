#pragma once

#include <juce_audio_processors/juce_audio_processors.h>

#include "Protocol.h"

// Plugin parameters. Ranges and defaults of the render settings are the daemon's slot keys
// (bridge/osc_spec.json, "slot_keys", generated into Protocol.h), so every value the host can
// automate is one the daemon accepts and a new pad starts where a new slot starts.
namespace shotcaller::params
{
inline constexpr int numPads = 16;
inline constexpr int firstDrumNote = 36;  // the daemon's drums keymap: notes 36..51 -> slots 0..15

// Hosts store parameters as floats; 2^24 - 1 is the largest seed that comes back exactly
// (the Max for Live device uses the same limit).
inline constexpr int maxSeed = 16777215;

inline const juce::String pad { "pad" };
inline const juce::String seed { "seed" };
inline const juce::String steps { "steps" };
inline const juce::String guidance { "guidance" };
inline const juce::String strength { "strength" };
inline const juce::String duration { "duration" };
inline const juce::String keymap { "keymap" };
inline const juce::String chromaticPad { "chromaticPad" };

enum class Keymap { drums = 0, chromatic = 1 };

/** The settings a render is made with: what /shot/set sends before /shot/prompt. */
struct RenderSettings
{
    int seed = protocol::slot::seed.initial;
    int steps = protocol::slot::steps.initial;
    float guidance = protocol::slot::guidance.initial;
    float strength = protocol::slot::strength.initial;
    float duration = protocol::slot::duration.initial;

    bool operator== (const RenderSettings& o) const
    {
        return seed == o.seed && steps == o.steps && guidance == o.guidance
            && strength == o.strength && duration == o.duration;
    }
};

juce::AudioProcessorValueTreeState::ParameterLayout createLayout();
} // namespace shotcaller::params
