#pragma once

#include <juce_audio_processors/juce_audio_processors.h>

#include "DaemonClient.h"
#include "Params.h"
#include "Sampler.h"

namespace shotcaller
{
/** The plugin: parameters, the daemon client and the sampler. */
class ShotcallerProcessor : public juce::AudioProcessor
{
public:
    ShotcallerProcessor();
    ~ShotcallerProcessor() override;

    //==============================================================================
    void prepareToPlay (double sampleRate, int samplesPerBlock) override;
    void releaseResources() override {}
    bool isBusesLayoutSupported (const BusesLayout&) const override;
    void processBlock (juce::AudioBuffer<float>&, juce::MidiBuffer&) override;
    using AudioProcessor::processBlock;

    juce::AudioProcessorEditor* createEditor() override;
    bool hasEditor() const override { return true; }

    const juce::String getName() const override { return JucePlugin_Name; }
    bool acceptsMidi() const override { return true; }
    bool producesMidi() const override { return false; }
    bool isMidiEffect() const override { return false; }
    double getTailLengthSeconds() const override { return 0.0; }

    int getNumPrograms() override { return 1; }
    int getCurrentProgram() override { return 0; }
    void setCurrentProgram (int) override {}
    const juce::String getProgramName (int) override { return {}; }
    void changeProgramName (int, const juce::String&) override {}

    /** Parameters, the daemon endpoint and every pad's prompt, seed, settings and file. */
    void getStateInformation (juce::MemoryBlock&) override;
    void setStateInformation (const void* data, int sizeInBytes) override;

    //==============================================================================
    juce::AudioProcessorValueTreeState& getParameters() noexcept { return parameters; }
    DaemonClient& getClient() noexcept { return client; }
    const Sampler& getSampler() const noexcept { return sampler; }

    /** The render settings the parameters hold now. */
    params::RenderSettings currentSettings() const;
    int selectedPad() const;
    params::Keymap keymap() const;

    /** Renders `pad` from `prompt` with the current settings. */
    void renderPad (int pad, const juce::String& prompt);
    /** Picks a new seed (sets the Seed parameter) and renders `pad` with it. */
    void rollDice (int pad, const juce::String& prompt);
    /** Sets a parameter to a plain (not normalised) value, notifying the host. */
    void setParameter (const juce::String& id, float plainValue);

    void setDaemonEndpoint (const DaemonClient::Endpoint&);

private:
    juce::AudioProcessorValueTreeState parameters;
    Sampler sampler;
    DaemonClient client;  // after the sampler: stopped before the sampler goes

    std::atomic<float>* keymapValue = nullptr;
    std::atomic<float>* chromaticPadValue = nullptr;

    JUCE_DECLARE_NON_COPYABLE_WITH_LEAK_DETECTOR (ShotcallerProcessor)
};
} // namespace shotcaller
