#include "SampleLoader.h"

namespace shotcaller
{
SampleLoader::SampleLoader()
{
    formats.registerBasicFormats();
}

std::unique_ptr<Sample> SampleLoader::load (const juce::File& file, float rootNote,
                                            juce::String& error, double maxSeconds)
{
    if (! file.existsAsFile())
    {
        error = "no such file " + file.getFullPathName();
        return nullptr;
    }

    std::unique_ptr<juce::AudioFormatReader> reader (formats.createReaderFor (file));

    if (reader == nullptr)
    {
        error = "not a readable audio file: " + file.getFullPathName();
        return nullptr;
    }

    const auto frames = (int) juce::jmin<juce::int64> (reader->lengthInSamples,
                                                      (juce::int64) (maxSeconds * reader->sampleRate));
    const auto channels = (int) juce::jlimit (1u, 2u, reader->numChannels);

    if (frames <= 0 || reader->sampleRate <= 0.0)
    {
        error = "empty audio file: " + file.getFullPathName();
        return nullptr;
    }

    auto sample = std::make_unique<Sample>();
    sample->audio.setSize (channels, frames);

    if (! reader->read (&sample->audio, 0, frames, 0, true, channels > 1))
    {
        error = "could not read " + file.getFullPathName();
        return nullptr;
    }

    sample->sampleRate = reader->sampleRate;
    sample->rootNote = rootNote;
    sample->path = file.getFullPathName();
    return sample;
}
} // namespace shotcaller
