#include "SampleLoader.h"

#include <cmath>

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
    // The writer takes 32-bit left-justified ints and shifts them down to 24 bits, which
    // floors: JUCE's own float conversion before it put some samples one 24-bit step low.
    // Rounded here, a sound read from a 24-bit file (the daemon's WAVs, read as k / 2^23)
    // comes back from the project bit for bit.
    const int channels = sample.audio.getNumChannels(), frames = sample.audio.getNumSamples();
    juce::HeapBlock<int> ints ((size_t) channels * (size_t) frames);
    juce::HeapBlock<const int*> rows ((size_t) channels + 1, true);
    for (int c = 0; c < channels; ++c)
    {
        const auto* src = sample.audio.getReadPointer (c);
        auto* dst = ints.get() + (size_t) c * (size_t) frames;
        for (int i = 0; i < frames; ++i)
            dst[i] = (int) juce::jlimit (-8388608.0, 8388607.0, std::round ((double) src[i] * 8388608.0)) * 256;
        rows[c] = dst;
    }
    const bool ok = writer->write (rows.get(), frames);
    writer.reset();  // flushes and deletes the stream; the block holds the file
    if (! ok || block->getSize() == 0)
        return nullptr;
    return block;
}

bool SampleLoader::writeWav (const juce::MemoryBlock& encoded, const juce::File& target, juce::String& error)
{
    juce::AudioFormatManager formats;  // its own: the loader's belongs to the client's worker
    formats.registerBasicFormats();
    std::unique_ptr<juce::AudioFormatReader> reader (
        formats.createReaderFor (std::make_unique<juce::MemoryInputStream> (encoded, false)));
    if (reader == nullptr || reader->lengthInSamples <= 0)
    {
        error = "the embedded sound cannot be decoded";
        return false;
    }

    if (! target.getParentDirectory().createDirectory())
    {
        error = "cannot create " + target.getParentDirectory().getFullPathName();
        return false;
    }

    // Written next to the target, then renamed over it.
    juce::TemporaryFile temp (target);
    {
        auto stream = temp.getFile().createOutputStream();
        if (stream == nullptr)
        {
            error = "cannot write " + temp.getFile().getFullPathName();
            return false;
        }

        juce::WavAudioFormat wav;
        std::unique_ptr<juce::AudioFormatWriter> writer (
            wav.createWriterFor (stream.get(), reader->sampleRate, reader->numChannels, 24, {}, 0));
        if (writer == nullptr)
        {
            error = "cannot write a WAV file of " + juce::String (reader->numChannels) + " channels";
            return false;
        }
        stream.release();  // the writer owns it now

        const bool written = writer->writeFromAudioReader (*reader, 0, -1);
        writer.reset();  // writes the header, closes the file
        const auto audioBytes = reader->lengthInSamples * (juce::int64) reader->numChannels * 3;
        if (! written || temp.getFile().getSize() < audioBytes)
        {
            error = "cannot write " + temp.getFile().getFullPathName() + " (disk full?)";
            return false;
        }
    }

    if (! temp.overwriteTargetFileWithTemporary())
    {
        error = "cannot replace " + target.getFullPathName();
        return false;
    }
    return true;
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
