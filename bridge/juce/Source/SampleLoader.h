#pragma once

#include <memory>

#include <juce_audio_formats/juce_audio_formats.h>

#include "Sampler.h"

namespace shotcaller
{
/** Decodes the daemon's files (WAV; AIFF too) into Samples. Used on the client's worker thread. */
class SampleLoader
{
public:
    SampleLoader();

    /** The decoded file, or nullptr with `error` saying why. At most 2 channels and
        `maxSeconds` are kept; the daemon renders 10 s at most. */
    std::unique_ptr<Sample> load (const juce::File& file, float rootNote, juce::String& error,
                                  double maxSeconds = 30.0);

private:
    juce::AudioFormatManager formats;

    JUCE_DECLARE_NON_COPYABLE_WITH_LEAK_DETECTOR (SampleLoader)
};
} // namespace shotcaller
