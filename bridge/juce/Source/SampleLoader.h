#pragma once

#include <memory>

#include <juce_audio_formats/juce_audio_formats.h>

#include "Sampler.h"

namespace shotcaller
{
/** Decodes the daemon's files (WAV; AIFF too) and the sounds a project embeds (FLAC) into
    Samples, and encodes a Sample as FLAC for the project. Used on the client's worker thread. */
class SampleLoader
{
public:
    SampleLoader();

    /** The decoded file, or nullptr with `error` saying why. At most 2 channels and
        `maxSeconds` are kept; the daemon renders 10 s at most. */
    std::unique_ptr<Sample> load (const juce::File& file, float rootNote, juce::String& error,
                                  double maxSeconds = 30.0);

    /** The same from audio file bytes in memory (a project's embedded FLAC). */
    std::unique_ptr<Sample> loadMemory (const juce::MemoryBlock& data, float rootNote,
                                        const juce::String& name, juce::String& error,
                                        double maxSeconds = 30.0);

    /** `sample` as 24-bit FLAC (lossless for the daemon's 24-bit WAVs), or nullptr. */
    static std::shared_ptr<const juce::MemoryBlock> encodeFlac (const Sample& sample);

    /** Decodes `encoded` (a project's embedded FLAC) into a 24-bit WAV at `target`, at its own
        rate and channels, atomically: a reader never sees a half-written file. Any thread. */
    static bool writeWav (const juce::MemoryBlock& encoded, const juce::File& target, juce::String& error);

private:
    std::unique_ptr<Sample> read (std::unique_ptr<juce::AudioFormatReader> reader, float rootNote,
                                  const juce::String& name, juce::String& error, double maxSeconds);

    juce::AudioFormatManager formats;

    JUCE_DECLARE_NON_COPYABLE_WITH_LEAK_DETECTOR (SampleLoader)
};
} // namespace shotcaller
