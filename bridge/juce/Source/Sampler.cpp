#include "Sampler.h"

#include <cmath>

namespace shotcaller
{
namespace
{
// 4-point, 3rd-order Hermite interpolation; samples outside [0, length) are silence, so a
// sound starts and ends cleanly at any playback rate.
inline float hermite (const float* x, int length, int i, float f) noexcept
{
    auto at = [x, length] (int k) { return (k >= 0 && k < length) ? x[k] : 0.0f; };
    const float xm1 = at (i - 1), x0 = at (i), x1 = at (i + 1), x2 = at (i + 2);
    const float c1 = 0.5f * (x1 - xm1);
    const float c2 = xm1 - 2.5f * x0 + 2.0f * x1 - 0.5f * x2;
    const float c3 = 0.5f * (x2 - xm1) + 1.5f * (x0 - x1);
    return ((c3 * f + c2) * f + c1) * f + x0;
}
// A 2x decimator: a Blackman-windowed sinc low-pass at 0.45 of the new Nyquist band's edge
// (0.225 cycles a sample of the input), 2 * halfTaps + 1 taps.
constexpr int halfTaps = 32;

std::array<float, 2 * halfTaps + 1> decimatorTaps()
{
    std::array<float, 2 * halfTaps + 1> h {};
    constexpr double cutoff = 0.225;
    double sum = 0.0;
    for (int j = -halfTaps; j <= halfTaps; ++j)
    {
        const double x = 2.0 * cutoff * j;
        const double sinc = j == 0 ? 1.0 : std::sin (juce::MathConstants<double>::pi * x) / (juce::MathConstants<double>::pi * x);
        const double w = 0.42 + 0.5 * std::cos (juce::MathConstants<double>::pi * j / (halfTaps + 1))
                       + 0.08 * std::cos (2.0 * juce::MathConstants<double>::pi * j / (halfTaps + 1));
        h[(size_t) (j + halfTaps)] = (float) (sinc * w);
        sum += sinc * w;
    }
    for (auto& t : h)
        t = (float) (t / sum);  // unity gain at DC
    return h;
}

juce::AudioBuffer<float> decimate (const juce::AudioBuffer<float>& in)
{
    static const auto h = decimatorTaps();
    const int n = in.getNumSamples(), m = (n + 1) / 2;
    juce::AudioBuffer<float> out (in.getNumChannels(), m);
    for (int ch = 0; ch < in.getNumChannels(); ++ch)
    {
        const float* x = in.getReadPointer (ch);
        float* y = out.getWritePointer (ch);
        for (int i = 0; i < m; ++i)
        {
            float acc = 0.0f;
            for (int j = -halfTaps; j <= halfTaps; ++j)
            {
                const int k = 2 * i - j;
                if (k >= 0 && k < n)
                    acc += h[(size_t) (j + halfTaps)] * x[k];
            }
            y[i] = acc;
        }
    }
    return out;
}
} // namespace

void Sample::prepareOctaves()
{
    octaves.clear();
    octaves.reserve ((size_t) maxOctaves);  // `previous` points into it
    const juce::AudioBuffer<float>* previous = &audio;
    for (int k = 0; k < maxOctaves && previous->getNumSamples() >= 2 * halfTaps; ++k)
    {
        octaves.push_back (decimate (*previous));
        previous = &octaves.back();
    }
}

Sampler::Sampler() = default;

Sampler::~Sampler()
{
    // Audio and producer threads have stopped: everything still held is freed here.
    for (auto*& s : current)
        delete std::exchange (s, nullptr);

    for (int i = 0; i < numRetiring; ++i)
        delete retiring[(size_t) i];

    commandFifo.read (commandFifo.getNumReady()).forEach ([this] (int i) { delete commands[(size_t) i].sample; });
    collectGarbage();
}

//==============================================================================
bool Sampler::install (int pad, std::unique_ptr<Sample>& sample)
{
    jassert (pad >= 0 && pad < numPads);

    if (commandFifo.getFreeSpace() < 1)
        return false;

    commandFifo.write (1).forEach ([&] (int i) { commands[(size_t) i] = { pad, sample.release() }; });
    return true;
}

void Sampler::collectGarbage()
{
    returnFifo.read (returnFifo.getNumReady()).forEach ([this] (int i)
    {
        delete std::exchange (returned[(size_t) i], nullptr);
    });
}

//==============================================================================
void Sampler::prepare (double hostSampleRate)
{
    hostRate = hostSampleRate;
    fadeLength = juce::jmax (16, (int) std::lround (0.003 * hostRate));  // 3 ms

    for (auto& v : voices)
        if (v.sample != nullptr)
            release (v);
}

void Sampler::applyCommands() noexcept
{
    // Hand back the replaced samples that no voice plays any more.
    for (int i = 0; i < numRetiring;)
    {
        auto* s = retiring[(size_t) i];

        if (s->voicesUsing > 0 || returnFifo.getFreeSpace() < 1)
        {
            ++i;
            continue;
        }

        returnFifo.write (1).forEach ([&] (int k) { returned[(size_t) k] = s; });
        retiring[(size_t) i] = retiring[(size_t) --numRetiring];
    }

    // Take new samples while there is room to park the ones they replace; voices already
    // playing a replaced sample keep playing it to its end.
    while (numRetiring < retiringCapacity && commandFifo.getNumReady() > 0)
    {
        Command c;
        commandFifo.read (1).forEach ([&] (int i) { c = commands[(size_t) i]; });

        if (auto* old = std::exchange (current[(size_t) c.pad], c.sample))
            retiring[(size_t) numRetiring++] = old;
    }
}

void Sampler::render (juce::AudioBuffer<float>& out, const juce::MidiBuffer& midi,
                      params::Keymap keymap, int chromaticPad) noexcept
{
    applyCommands();
    out.clear();

    const int numSamples = out.getNumSamples();
    int done = 0;

    // Raw bytes rather than MidiMessage: building one from a long SysEx would allocate.
    for (const auto meta : midi)
    {
        const int at = juce::jlimit (done, numSamples, meta.samplePosition);
        renderVoices (out, done, at - done);
        done = at;

        if (meta.numBytes < 3)
            continue;

        const auto status = meta.data[0] & 0xf0;
        const auto data1 = meta.data[1] & 0x7f;
        const auto data2 = meta.data[2] & 0x7f;

        if (status == 0x90 && data2 > 0)
        {
            startNote (data1, (float) data2 / 127.0f, keymap, chromaticPad);
        }
        else if (status == 0xb0 && (data1 == 120 || data1 == 123))  // all sound / notes off
        {
            for (auto& v : voices)
                if (v.sample != nullptr && v.fadeLeft < 0)
                    v.fadeLeft = fadeLength;
        }
        // Note-offs are ignored: these are one-shots, as in the daemon.
    }

    renderVoices (out, done, numSamples - done);

    int active = 0;
    for (const auto& v : voices)
        active += v.sample != nullptr ? 1 : 0;
    numActive.store (active, std::memory_order_relaxed);
}

void Sampler::startNote (int note, float velocity, params::Keymap keymap, int chromaticPad) noexcept
{
    int pad = chromaticPad;

    if (keymap == params::Keymap::drums)
    {
        pad = note - params::firstDrumNote;
        if (pad < 0 || pad >= numPads)
            return;
    }

    auto* s = current[(size_t) juce::jlimit (0, numPads - 1, pad)];
    if (s == nullptr || s->audio.getNumSamples() == 0)
        return;

    // The file's own rate against the host's: a mismatch must not detune.
    double increment = s->sampleRate / hostRate;

    if (keymap == params::Keymap::chromatic)
    {
        const double root = s->rootNote >= 0.0f ? (double) s->rootNote : 60.0;
        increment *= std::exp2 (((double) note - root) / 12.0);
    }

    // Faster than the file's rate: read the octave down that brings it back within it.
    const juce::AudioBuffer<float>* source = &s->audio;
    for (const auto& octave : s->octaves)
    {
        if (increment <= 1.0 + 1.0e-9)
            break;
        increment *= 0.5;
        source = &octave;
    }

    auto& v = allocateVoice();
    v.sample = s;
    v.source = source;
    v.position = 0.0;
    v.increment = increment;
    v.gain = velocity;  // linear in velocity, like the daemon's gain x velocity / 127
    v.fadeLeft = -1;
    v.order = nextOrder++;
    ++s->voicesUsing;
    triggers[(size_t) pad].fetch_add (1, std::memory_order_relaxed);
}

Sampler::Voice& Sampler::allocateVoice() noexcept
{
    int sounding = 0;
    Voice* oldest = nullptr;

    for (auto& v : voices)
    {
        if (v.sample == nullptr || v.fadeLeft >= 0)
            continue;

        ++sounding;
        if (oldest == nullptr || v.order < oldest->order)
            oldest = &v;
    }

    if (sounding >= maxVoices && oldest != nullptr)
        oldest->fadeLeft = fadeLength;

    for (auto& v : voices)
        if (v.sample == nullptr)
            return v;

    // Every spare is still fading: cut the one closest to silence.
    Voice* quietest = &voices.front();
    for (auto& v : voices)
        if (v.fadeLeft >= 0 && (quietest->fadeLeft < 0 || v.fadeLeft < quietest->fadeLeft))
            quietest = &v;

    release (*quietest);
    return *quietest;
}

void Sampler::release (Voice& v) noexcept
{
    --v.sample->voicesUsing;
    v.sample = nullptr;
}

void Sampler::renderVoices (juce::AudioBuffer<float>& out, int start, int num) noexcept
{
    if (num <= 0)
        return;

    const int outChannels = out.getNumChannels();

    for (auto& v : voices)
    {
        if (v.sample == nullptr)
            continue;

        const auto& audio = *v.source;
        const int length = audio.getNumSamples();
        const int srcChannels = audio.getNumChannels();
        bool finished = false;
        int i = 0;
        double position = v.position;
        int fadeLeft = v.fadeLeft;

        for (; i < num; ++i)
        {
            const int index = (int) position;
            if (index >= length)
            {
                finished = true;
                break;
            }

            const float frac = (float) (position - index);
            float gain = v.gain;

            if (fadeLeft >= 0)
            {
                if (fadeLeft == 0)
                {
                    finished = true;
                    break;
                }
                gain *= (float) fadeLeft-- / (float) fadeLength;
            }

            if (outChannels == 1 && srcChannels > 1)  // a mono bus hears both channels
            {
                const float l = hermite (audio.getReadPointer (0), length, index, frac);
                const float r = hermite (audio.getReadPointer (1), length, index, frac);
                out.getWritePointer (0)[start + i] += gain * 0.5f * (l + r);
            }
            else
            {
                for (int ch = 0; ch < outChannels; ++ch)
                {
                    const float* src = audio.getReadPointer (juce::jmin (ch, srcChannels - 1));
                    out.getWritePointer (ch)[start + i] += gain * hermite (src, length, index, frac);
                }
            }

            position += v.increment;
        }

        v.position = position;
        v.fadeLeft = fadeLeft;

        if (finished)
            release (v);
    }
}
} // namespace shotcaller
