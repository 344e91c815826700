#pragma once

#include <juce_audio_basics/juce_audio_basics.h>

// Measurements on rendered audio, for the test program.
namespace shotcaller::test
{
/** Frequency of a steady periodic signal from its rising zero crossings, each located by linear
    interpolation between the two samples around it. 0 when fewer than three crossings. */
double estimateFrequency (const float* x, int numSamples, double sampleRate);

/** 1200 * log2 (measured / expected). */
double cents (double measured, double expected);

double rms (const juce::AudioBuffer<float>&, int channel = 0);
float peak (const juce::AudioBuffer<float>&);
/** Index of the last sample whose magnitude exceeds `threshold` (any channel), or -1. */
int lastAbove (const juce::AudioBuffer<float>&, float threshold);
/** Largest |a - b| over the common channels and length. */
float maxDifference (const juce::AudioBuffer<float>& a, const juce::AudioBuffer<float>& b);
} // namespace shotcaller::test
