#include "Params.h"

namespace shotcaller::params
{
juce::AudioProcessorValueTreeState::ParameterLayout createLayout()
{
    using namespace juce;
    using Float = AudioParameterFloat;
    using Int = AudioParameterInt;
    using Attributes = AudioParameterFloatAttributes;
    const RenderSettings defaults;
    namespace key = protocol::slot;

    auto seconds = Attributes().withLabel ("s").withStringFromValueFunction (
        [] (float v, int) { return String (v, 2) + " s"; });
    auto plain = [] (int decimals)
    {
        return Attributes().withStringFromValueFunction ([decimals] (float v, int) { return String (v, decimals); });
    };

    return {
        std::make_unique<Int> (ParameterID { pad, 1 }, "Pad", 0, numPads - 1, 0),
        std::make_unique<Int> (ParameterID { seed, 1 }, "Seed", key::seed.min, maxSeed, defaults.seed,
                               AudioParameterIntAttributes().withStringFromValueFunction (
                                   [] (int v, int) { return v < 0 ? String ("random") : String (v); })),
        std::make_unique<Int> (ParameterID { steps, 1 }, "Steps", key::steps.min, key::steps.max,
                               defaults.steps),
        std::make_unique<Float> (ParameterID { guidance, 1 }, "Guidance",
                                 NormalisableRange<float> (key::guidance.min, key::guidance.max, 0.1f, 0.5f),
                                 defaults.guidance, plain (1)),
        std::make_unique<Float> (ParameterID { strength, 1 }, "Strength",
                                 NormalisableRange<float> (key::strength.min, key::strength.max, 0.01f),
                                 defaults.strength, plain (2)),
        std::make_unique<Float> (ParameterID { duration, 1 }, "Duration",
                                 NormalisableRange<float> (key::duration.min, key::duration.max, 0.01f, 0.5f),
                                 defaults.duration, seconds),
        std::make_unique<AudioParameterChoice> (ParameterID { keymap, 1 }, "Keymap",
                                                StringArray { "drums", "chromatic" }, 0),
        std::make_unique<Int> (ParameterID { chromaticPad, 1 }, "Chromatic pad", 0, numPads - 1, 0),
    };
}
} // namespace shotcaller::params
