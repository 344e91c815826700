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
    return read (std::move (reader), rootNote, file.getFullPathName(), error, maxSeconds);
}

std::unique_ptr<Sample> SampleLoader::loadMemory (const juce::MemoryBlock& data, float rootNote,
                                                  const juce::String& name, juce::String& error,
                                                  double maxSeconds)
{
    auto stream = std::make_unique<juce::MemoryInputStream> (data, false);
    std::unique_ptr<juce::AudioFormatReader> reader (formats.createReaderFor (std::move (stream)));
    return read (std::move (reader), rootNote, name, error, maxSeconds);
}

std::shared_ptr<const juce::MemoryBlock> SampleLoader::encodeFlac (const Sample& sample)
{
    auto block = std::make_shared<juce::MemoryBlock>();
    juce::FlacAudioFormat flac;
    auto* stream = new juce::MemoryOutputStream (*block, false);
    std::unique_ptr<juce::AudioFormatWriter> writer (
        flac.createWriterFor (stream, sample.sampleRate, (unsigned int) sample.audio.getNumChannels(), 24, {}, 0));
    if (writer == nullptr)
    {
        delete stream;
        return nullptr;
    }
    const bool ok = writer->writeFromAudioSampleBuffer (sample.audio, 0, sample.audio.getNumSamples());
    writer.reset();  // flushes and deletes the stream; the block holds the file
    if (! ok || block->getSize() == 0)
        return nullptr;
    return block;
}

std::unique_ptr<Sample> SampleLoader::read (std::unique_ptr<juce::AudioFormatReader> reader, float rootNote,
                                            const juce::String& name, juce::String& error, double maxSeconds)
{
    if (reader == nullptr)
    {
        error = "not a readable audio file: " + name;
        return nullptr;
    }

    const auto frames = (int) juce::jmin<juce::int64> (reader->lengthInSamples,
                                                      (juce::int64) (maxSeconds * reader->sampleRate));
    const auto channels = (int) juce::jlimit (1u, 2u, reader->numChannels);

    if (frames <= 0 || reader->sampleRate <= 0.0)
    {
        error = "empty audio file: " + name;
        return nullptr;
    }

    auto sample = std::make_unique<Sample>();
    sample->audio.setSize (channels, frames);

    if (! reader->read (&sample->audio, 0, frames, 0, true, channels > 1))
    {
        error = "could not read " + name;
        return nullptr;
    }

    sample->sampleRate = reader->sampleRate;
    sample->rootNote = rootNote;
    sample->path = name;
    sample->prepareOctaves();  // here, off the audio thread
    return sample;
}
} // namespace shotcaller
