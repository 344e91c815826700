#include "TestSignals.h"

#include <cmath>

namespace shotcaller::test
{
double estimateFrequency (const float* x, int numSamples, double sampleRate)
{
    double first = -1.0, last = -1.0;
    int crossings = 0;

    for (int i = 1; i < numSamples; ++i)
    {
        if (x[i - 1] < 0.0f && x[i] >= 0.0f)
        {
            const double t = (double) (i - 1) + (double) x[i - 1] / (double) (x[i - 1] - x[i]);
            if (first < 0.0)
                first = t;
            last = t;
            ++crossings;
        }
    }

    if (crossings < 3 || last <= first)
        return 0.0;
    return (double) (crossings - 1) * sampleRate / (last - first);
}

double cents (double measured, double expected)
{
    return 1200.0 * std::log2 (measured / expected);
}

double rms (const juce::AudioBuffer<float>& b, int channel)
{
    return b.getNumSamples() > 0 ? (double) b.getRMSLevel (channel, 0, b.getNumSamples()) : 0.0;
}

float peak (const juce::AudioBuffer<float>& b)
{
    return b.getNumSamples() > 0 ? b.getMagnitude (0, b.getNumSamples()) : 0.0f;
}

int lastAbove (const juce::AudioBuffer<float>& b, float threshold)
{
    for (int i = b.getNumSamples(); --i >= 0;)
        for (int ch = 0; ch < b.getNumChannels(); ++ch)
            if (std::abs (b.getSample (ch, i)) > threshold)
                return i;
    return -1;
}

float maxDifference (const juce::AudioBuffer<float>& a, const juce::AudioBuffer<float>& b)
{
    const int channels = juce::jmin (a.getNumChannels(), b.getNumChannels());
    const int n = juce::jmin (a.getNumSamples(), b.getNumSamples());
    float worst = 0.0f;
    for (int ch = 0; ch < channels; ++ch)
        for (int i = 0; i < n; ++i)
            worst = juce::jmax (worst, std::abs (a.getSample (ch, i) - b.getSample (ch, i)));
    return worst;
}
} // namespace shotcaller::test
