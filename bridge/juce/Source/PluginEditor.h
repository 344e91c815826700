#pragma once

#include <juce_audio_processors/juce_audio_processors.h>

#include "PadGrid.h"
#include "PluginProcessor.h"

namespace shotcaller
{
/** Prompt box, the kit menu, render settings (seed with dice, steps, guidance, strength,
    duration), keymap, sounds from sounds (Vary, Restyle, Morph), the 16-pad grid and the
    daemon's online indicator. Reads the client's state on a timer; every control that is a
    parameter goes through an APVTS attachment. Vary, Restyle and Morph are not parameters:
    they trigger renders, as Render does.

    Controls have component IDs (ids::...) so a test can find and press them. */
class ShotcallerEditor : public juce::AudioProcessorEditor, private juce::Timer
{
public:
    explicit ShotcallerEditor (ShotcallerProcessor&);
    ~ShotcallerEditor() override;

    void paint (juce::Graphics&) override;
    void resized() override;

    /** Pulls the client's state into the controls (the timer does this 20 times a second). */
    void refresh();

    /** Component IDs of the controls. */
    struct ids
    {
        static constexpr const char* vary = "vary";
        static constexpr const char* restyle = "restyle";
        static constexpr const char* restyleText = "restyleText";
        static constexpr const char* morph = "morph";          // the knob: released, it morphs
        static constexpr const char* morphWith = "morphWith";  // item id: pad + 1
        static constexpr const char* morphInto = "morphInto";  // item id: 1 auto, pad + 2
        static constexpr const char* status = "status";
    };

private:
    using SliderAttachment = juce::AudioProcessorValueTreeState::SliderAttachment;
    using ComboBoxAttachment = juce::AudioProcessorValueTreeState::ComboBoxAttachment;

    void timerCallback() override;
    void setupKnob (juce::Slider&, juce::Label&, const juce::String& name, const juce::String& id);
    void selectPad (int pad);
    void renderSelected (bool newSeed);
    void applyEndpoint();
    void askForKits();
    void showKitMenu();
    void varySelected();
    void restyleSelected();
    void morphSelected();
    /** Where a morph of pads a and b goes: the pad chosen under 'into', else (auto) the first
        empty pad other than both; -1 when there is none. */
    int morphDestination (int a, int b) const;
    /** The morph knob's amount and the 'with' and 'into' pads into the project's state. */
    void storeMorphSettings();
    static inline const juce::Identifier morphAmountId { "morphAmount" }, morphWithId { "morphWith" },
        morphIntoId { "morphInto" };
    /** A refusal or hint, shown in the status line until the next command or pad change. */
    void showNotice (const juce::String&);

    ShotcallerProcessor& processor;
    juce::LookAndFeel_V4 lookAndFeel { juce::LookAndFeel_V4::getMidnightColourScheme() };

    juce::TextEditor promptBox;
    juce::TextButton renderButton { "Render" }, cancelButton { "Cancel" }, diceButton { "Dice" };
    juce::TextButton kitButton { "Kits" };
    bool kitMenuPending = false;  // asked the daemon for its kits; the menu opens on the answer
    juce::uint32 kitMenuAskedMs = 0;
    int kitListingsAtAsk = 0;

    juce::Slider seed { juce::Slider::IncDecButtons, juce::Slider::TextBoxLeft };
    juce::Slider steps, guidance, strength, duration;
    juce::Slider chromaticPad { juce::Slider::IncDecButtons, juce::Slider::TextBoxLeft };
    juce::ComboBox keymap;
    juce::Label seedLabel, stepsLabel, guidanceLabel, strengthLabel, durationLabel, keymapLabel, chromaticLabel;
    std::vector<std::unique_ptr<SliderAttachment>> sliderAttachments;
    std::unique_ptr<ComboBoxAttachment> keymapAttachment;

    // Sounds from sounds.
    juce::TextButton varyButton { "Vary" }, restyleButton { "Restyle" };
    juce::TextEditor restyleBox;
    juce::Slider morphKnob { juce::Slider::RotaryHorizontalVerticalDrag, juce::Slider::TextBoxRight };
    juce::ComboBox morphWith, morphInto;
    juce::Label morphLabel, withLabel, intoLabel;

    juce::Label portLabel, portEditor, replyLabel, replyEditor;
    juce::Label statusLine;
    juce::String notice;

    PadGrid grid;
    juce::Rectangle<int> header;
    DaemonClient::Status status;
    int shownPad = -1;
    int lastChange = -1;
    std::array<uint32_t, params::numPads> lastTriggers {};
    std::array<float, params::numPads> flash {};

    JUCE_DECLARE_NON_COPYABLE_WITH_LEAK_DETECTOR (ShotcallerEditor)
};
} // namespace shotcaller
