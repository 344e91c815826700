#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <vector>

#include <juce_audio_basics/juce_audio_basics.h>

#include "Params.h"

namespace shotcaller
{
/** One decoded sound. Made on the loader thread, read on the audio thread, freed on the loader
    thread again once the audio thread has handed it back. */
struct Sample
{
    Sample() = default;

    juce::AudioBuffer<float> audio;  // 1 or 2 channels at `sampleRate`
    double sampleRate = 44100.0;
    float rootNote = -1.0f;          // MIDI note it sounds at; -1 = unpitched (played as if 60)
    juce::String path;               // the daemon's file it came from
    int voicesUsing = 0;             // touched by the audio thread only

    /** `audio` an octave down, two, ...: low-passed below each new Nyquist and decimated by
        2, 4, ... A voice playing faster than the file's rate reads the octave that brings it
        back to at most the file's rate, so pitching up does not alias. */
    std::vector<juce::AudioBuffer<float>> octaves;
    static constexpr int maxOctaves = 4;  // up to 16x the file's rate (4 octaves up at 44.1k)

    /** Makes `octaves` from `audio` (loader thread: allocates). */
    void prepareOctaves();

    JUCE_DECLARE_NON_COPYABLE_WITH_LEAK_DETECTOR (Sample)
};

/** A 16-pad one-shot sampler played from MIDI note-ons.

    Threads: one producer thread (the daemon client's worker) calls install() and
    collectGarbage(); the audio thread calls render(). They share two single-producer,
    single-consumer FIFOs of raw pointers, so the audio thread never locks, allocates or frees:
    new samples travel in through one FIFO, replaced ones travel back through the other once no
    voice plays them any more, and are deleted by the producer thread. */
class Sampler
{
public:
    static constexpr int numPads = params::numPads;
    static constexpr int maxVoices = 32;  // sounding at once; a stolen voice fades out first

    Sampler();
    ~Sampler();

    //==============================================================================
    // Producer thread.

    /** Queues `sample` (nullptr: silence the pad) for the audio thread and takes it. False when
        the queue is full: `sample` is left as it was, to try again later. */
    bool install (int pad, std::unique_ptr<Sample>& sample);

    /** Deletes the samples the audio thread has handed back. */
    void collectGarbage();

    //==============================================================================
    // Audio thread (prepare() is never concurrent with render(), as in AudioProcessor).

    void prepare (double hostSampleRate);

    /** Adds the voices started by `midi`'s note-ons into `out` (which is cleared first). */
    void render (juce::AudioBuffer<float>& out, const juce::MidiBuffer& midi,
                 params::Keymap keymap, int chromaticPad) noexcept;

    //==============================================================================
    // Any thread.

    /** Counts the notes started on `pad` (the editor flashes pads with it). */
    uint32_t triggerCount (int pad) const noexcept { return triggers[(size_t) pad].load (std::memory_order_relaxed); }

    int activeVoices() const noexcept { return numActive.load (std::memory_order_relaxed); }

private:
    struct Command { int pad = 0; Sample* sample = nullptr; };

    struct Voice
    {
        Sample* sample = nullptr;
        const juce::AudioBuffer<float>* source = nullptr;  // sample->audio or one of its octaves
        double position = 0.0, increment = 1.0;            // in `source`'s samples
        float gain = 0.0f;
        int fadeLeft = -1;  // >= 0 while a stolen voice fades out
        uint64_t order = 0;
    };

    void applyCommands() noexcept;
    void startNote (int note, float velocity, params::Keymap keymap, int chromaticPad) noexcept;
    Voice& allocateVoice() noexcept;
    void release (Voice&) noexcept;
    void renderVoices (juce::AudioBuffer<float>& out, int start, int num) noexcept;

    // Producer -> audio thread.
    static constexpr int commandCapacity = 64;
    juce::AbstractFifo commandFifo { commandCapacity };
    std::array<Command, commandCapacity> commands;

    // Audio thread -> producer.
    static constexpr int returnCapacity = 128;
    juce::AbstractFifo returnFifo { returnCapacity };
    std::array<Sample*, returnCapacity> returned {};

    // Audio thread only.
    std::array<Sample*, numPads> current {};
    static constexpr int retiringCapacity = 64;
    std::array<Sample*, retiringCapacity> retiring {};
    int numRetiring = 0;
    std::array<Voice, maxVoices + 8> voices;  // the spare 8 let stolen voices fade out
    uint64_t nextOrder = 0;
    double hostRate = 44100.0;
    int fadeLength = 128;

    std::array<std::atomic<uint32_t>, numPads> triggers {};
    std::atomic<int> numActive { 0 };

    JUCE_DECLARE_NON_COPYABLE_WITH_LEAK_DETECTOR (Sampler)
};
} // namespace shotcaller
