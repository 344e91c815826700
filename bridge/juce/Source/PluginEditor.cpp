#include "PluginEditor.h"

#include "Theme.h"

namespace shotcaller
{
ShotcallerEditor::ShotcallerEditor (ShotcallerProcessor& p) : AudioProcessorEditor (p), processor (p)
{
    lookAndFeel.setColour (juce::Slider::rotarySliderFillColourId, theme::accent);
    lookAndFeel.setColour (juce::Slider::rotarySliderOutlineColourId, theme::outline);
    lookAndFeel.setColour (juce::Slider::thumbColourId, theme::accent);
    lookAndFeel.setColour (juce::TextEditor::backgroundColourId, theme::pad);
    lookAndFeel.setColour (juce::TextEditor::outlineColourId, theme::outline);
    lookAndFeel.setColour (juce::TextEditor::focusedOutlineColourId, theme::accent);
    lookAndFeel.setColour (juce::TextButton::buttonColourId, theme::pad);
    lookAndFeel.setColour (juce::ComboBox::backgroundColourId, theme::pad);
    lookAndFeel.setColour (juce::ComboBox::outlineColourId, theme::outline);
    lookAndFeel.setColour (juce::Label::textColourId, theme::text);
    setLookAndFeel (&lookAndFeel);

    promptBox.setTextToShowWhenEmpty ("describe a one-shot: dusty vinyl snare, glassy bell pluck ...", theme::dimText);
    promptBox.setFont (juce::Font (15.0f));
    promptBox.setIndents (8, 7);
    promptBox.onReturnKey = [this] { renderSelected (false); };
    addAndMakeVisible (promptBox);

    renderButton.onClick = [this] { renderSelected (false); };
    diceButton.onClick = [this] { renderSelected (true); };
    cancelButton.onClick = [this] { processor.getClient().cancel (processor.selectedPad()); };
    renderButton.setColour (juce::TextButton::buttonColourId, theme::accent.darker (0.3f));
    diceButton.setTooltip ("New random seed, then render");
    kitButton.setTooltip ("Load a kit (preset) of the daemon into this instance's 16 pads");
    kitButton.onClick = [this] { askForKits(); };
    for (auto* b : { &renderButton, &cancelButton, &diceButton, &kitButton })
        addAndMakeVisible (*b);

    // Sounds from sounds: the selected pad's sound varied, restyled, or morphed with another's.
    varyButton.setTooltip ("A new sound near the selected pad's, a new seed each time (Strength: how far)");
    varyButton.onClick = [this] { varySelected(); };
    varyButton.setComponentID (ids::vary);
    restyleButton.setTooltip ("Move the selected pad's sound toward these words, its pitch kept (Strength: how far)");
    restyleButton.onClick = [this] { restyleSelected(); };
    restyleButton.setComponentID (ids::restyle);
    restyleBox.setTextToShowWhenEmpty ("restyle: darker, more reverb ...", theme::dimText);
    restyleBox.setFont (juce::Font (14.0f));
    restyleBox.setIndents (8, 6);
    restyleBox.setInputRestrictions (1000);  // the daemon's limit
    restyleBox.onReturnKey = [this] { restyleSelected(); };
    restyleBox.setComponentID (ids::restyleText);

    // Released (not at every drag step) it morphs; no wheel or typing, which have no release.
    morphKnob.setRange (0.0, 1.0, 0.01);
    morphKnob.setValue (0.5, juce::dontSendNotification);
    morphKnob.setTextBoxStyle (juce::Slider::TextBoxRight, true, 40, 20);
    morphKnob.setScrollWheelEnabled (false);
    morphKnob.setTooltip ("Release to morph: 0 is the selected pad's sound, 1 the 'with' pad's");
    morphKnob.onDragEnd = [this] { morphSelected(); };
    morphKnob.setComponentID (ids::morph);
    for (int i = 0; i < params::numPads; ++i)
        morphWith.addItem ("pad " + juce::String (i), i + 1);
    morphWith.setTextWhenNothingSelected ("choose");
    morphWith.setComponentID (ids::morphWith);
    morphInto.addItem ("auto", 1);
    for (int i = 0; i < params::numPads; ++i)
        morphInto.addItem ("pad " + juce::String (i), i + 2);
    morphInto.setSelectedId (1, juce::dontSendNotification);
    morphInto.setComponentID (ids::morphInto);
    morphLabel.setText ("Morph", juce::dontSendNotification);
    withLabel.setText ("with", juce::dontSendNotification);
    intoLabel.setText ("into", juce::dontSendNotification);
    for (auto* l : { &morphLabel, &withLabel, &intoLabel })
        l->setJustificationType (juce::Justification::centredRight);
    for (juce::Component* c : std::initializer_list<juce::Component*> { &varyButton, &restyleButton, &restyleBox,
                                                                        &morphKnob, &morphWith, &morphInto,
                                                                        &morphLabel, &withLabel, &intoLabel })
        addAndMakeVisible (*c);
    // The morph's amount and pads are the project's, not automatable (a change never morphs):
    // properties of the processor's state tree, which the project saves with the parameters.
    const auto& tree = processor.getParameters().state;
    morphKnob.setValue (tree.getProperty (morphAmountId, 0.5), juce::dontSendNotification);
    morphWith.setSelectedId (tree.getProperty (morphWithId, 0), juce::dontSendNotification);
    morphInto.setSelectedId (tree.getProperty (morphIntoId, 1), juce::dontSendNotification);
    morphKnob.onValueChange = [this] { storeMorphSettings(); };
    morphWith.onChange = [this] { storeMorphSettings(); };
    morphInto.onChange = [this] { storeMorphSettings(); };

    auto& apvts = processor.getParameters();
    seed.setIncDecButtonsMode (juce::Slider::incDecButtonsDraggable_Vertical);
    seed.setTextBoxStyle (juce::Slider::TextBoxLeft, false, 86, 24);
    addAndMakeVisible (seed);
    sliderAttachments.push_back (std::make_unique<SliderAttachment> (apvts, params::seed, seed));
    seedLabel.setText ("Seed (-1 random)", juce::dontSendNotification);
    addAndMakeVisible (seedLabel);

    setupKnob (steps, stepsLabel, "Steps", params::steps);
    setupKnob (guidance, guidanceLabel, "Guidance", params::guidance);
    setupKnob (strength, strengthLabel, "Strength", params::strength);
    setupKnob (duration, durationLabel, "Duration", params::duration);

    keymap.addItemList ({ "drums", "chromatic" }, 1);
    addAndMakeVisible (keymap);
    keymapAttachment = std::make_unique<ComboBoxAttachment> (apvts, params::keymap, keymap);
    keymapLabel.setText ("Keymap", juce::dontSendNotification);
    addAndMakeVisible (keymapLabel);

    chromaticPad.setTextBoxStyle (juce::Slider::TextBoxLeft, false, 40, 24);
    addAndMakeVisible (chromaticPad);
    sliderAttachments.push_back (std::make_unique<SliderAttachment> (apvts, params::chromaticPad, chromaticPad));
    chromaticLabel.setText ("Chromatic pad", juce::dontSendNotification);
    addAndMakeVisible (chromaticLabel);

    const auto endpoint = processor.getClient().getEndpoint();
    portLabel.setText ("daemon port", juce::dontSendNotification);
    replyLabel.setText ("reply port", juce::dontSendNotification);
    portEditor.setText (juce::String (endpoint.port), juce::dontSendNotification);
    replyEditor.setText (endpoint.replyPort > 0 ? juce::String (endpoint.replyPort) : "auto", juce::dontSendNotification);
    for (auto* l : { &portLabel, &replyLabel })
    {
        l->setFont (juce::Font (12.0f));
        l->setColour (juce::Label::textColourId, theme::dimText);
        l->setJustificationType (juce::Justification::centredRight);
        addAndMakeVisible (*l);
    }
    for (auto* l : { &portEditor, &replyEditor })
    {
        l->setEditable (true);
        l->setFont (juce::Font (12.0f));
        l->setColour (juce::Label::backgroundColourId, theme::pad);
        l->setColour (juce::Label::outlineColourId, theme::outline);
        l->onTextChange = [this] { applyEndpoint(); };
        addAndMakeVisible (*l);
    }

    statusLine.setComponentID (ids::status);
    statusLine.setFont (juce::Font (12.5f));
    statusLine.setColour (juce::Label::textColourId, theme::dimText);
    addAndMakeVisible (statusLine);

    grid.onSelect = [this] (int pad) { selectPad (pad); };
    grid.fileForDrag = [this] (int pad) { return processor.getClient().fileForDrag (pad); };
    grid.onFileDropped = [this] (int pad, const juce::String& path)
    {
        processor.getClient().importFile (pad, path, std::nullopt);
        selectPad (pad);
    };
    addAndMakeVisible (grid);

    setSize (800, 600);
    refresh();
    startTimerHz (20);
}

ShotcallerEditor::~ShotcallerEditor()
{
    setLookAndFeel (nullptr);
}

void ShotcallerEditor::setupKnob (juce::Slider& s, juce::Label& label, const juce::String& name, const juce::String& id)
{
    s.setSliderStyle (juce::Slider::RotaryHorizontalVerticalDrag);
    s.setTextBoxStyle (juce::Slider::TextBoxBelow, false, 70, 20);
    addAndMakeVisible (s);
    sliderAttachments.push_back (std::make_unique<SliderAttachment> (processor.getParameters(), id, s));
    label.setText (name, juce::dontSendNotification);
    label.setJustificationType (juce::Justification::centred);
    addAndMakeVisible (label);
}

void ShotcallerEditor::selectPad (int pad)
{
    processor.setParameter (params::pad, (float) pad);
    refresh();
}

void ShotcallerEditor::renderSelected (bool newSeed)
{
    const int pad = processor.selectedPad();
    auto text = promptBox.getText().trim();
    if (text.isEmpty())
        text = processor.getClient().getPad (pad).prompt;  // Dice on a rendered pad: same prompt
    if (text.isEmpty())
    {
        showNotice ("type a prompt first");
        return;
    }

    notice.clear();
    if (newSeed)
        processor.rollDice (pad, text);
    else
        processor.renderPad (pad, text);
}

void ShotcallerEditor::varySelected()
{
    const int pad = processor.selectedPad();
    if (! processor.getClient().getPad (pad).hasSound)
    {
        showNotice ("pad " + juce::String (pad) + " has no sound to vary: render one or drop a file on it first");
        return;
    }
    notice.clear();
    processor.getClient().vary (pad, processor.currentSettings());
}

void ShotcallerEditor::restyleSelected()
{
    const int pad = processor.selectedPad();
    const auto text = restyleBox.getText().trim();
    if (text.isEmpty())
    {
        showNotice ("type how to restyle pad " + juce::String (pad) + " (\"darker\", \"more reverb\") next to Restyle");
        return;
    }
    if (! processor.getClient().getPad (pad).hasSound)
    {
        showNotice ("pad " + juce::String (pad) + " has no sound to restyle: render one or drop a file on it first");
        return;
    }
    notice.clear();
    processor.getClient().restyle (pad, text, processor.currentSettings());
}

void ShotcallerEditor::morphSelected()
{
    auto& client = processor.getClient();
    const int a = processor.selectedPad();
    const int b = morphWith.getSelectedId() - 1;
    if (b < 0)
    {
        showNotice ("choose the pad to morph pad " + juce::String (a) + " with ('with')");
        return;
    }
    if (a == b)
    {
        showNotice ("pad " + juce::String (a) + " cannot morph with itself: choose another pad under 'with'");
        return;
    }
    for (int pad : { a, b })
        if (! client.getPad (pad).hasSound)
        {
            showNotice ("pad " + juce::String (pad) + " has no sound to morph");
            return;
        }
    const int dest = morphDestination (a, b);
    if (dest < 0)
    {
        showNotice ("no empty pad to morph into: choose one under 'into'");
        return;
    }

    notice.clear();
    client.morph (a, b, (float) morphKnob.getValue(), dest);
    // Morphing again (another amount) replaces this pad's morph rather than filling the next.
    morphInto.setSelectedId (dest + 2, juce::dontSendNotification);
    storeMorphSettings();
    lastChange = -1;
    refresh();
}

void ShotcallerEditor::storeMorphSettings()
{
    auto tree = processor.getParameters().state;
    tree.setProperty (morphAmountId, morphKnob.getValue(), nullptr);
    tree.setProperty (morphWithId, morphWith.getSelectedId(), nullptr);
    tree.setProperty (morphIntoId, morphInto.getSelectedId(), nullptr);
}

int ShotcallerEditor::morphDestination (int a, int b) const
{
    if (morphInto.getSelectedId() >= 2)
        return morphInto.getSelectedId() - 2;

    const auto pads = processor.getClient().getPads();
    for (int i = 0; i < params::numPads; ++i)
        if (i != a && i != b && pads[(size_t) i].status == PadStatus::empty && ! pads[(size_t) i].hasSound)
            return i;
    return -1;
}

void ShotcallerEditor::showNotice (const juce::String& text)
{
    notice = text;
    lastChange = -1;  // shown now, not at the client's next change
    refresh();
}

void ShotcallerEditor::applyEndpoint()
{
    auto e = processor.getClient().getEndpoint();
    const int port = portEditor.getText().getIntValue();
    const int reply = replyEditor.getText().getIntValue();
    e.port = juce::isPositiveAndBelow (port, 65536) && port > 0 ? port : e.port;
    e.replyPort = juce::isPositiveAndBelow (reply, 65536) ? reply : 0;
    portEditor.setText (juce::String (e.port), juce::dontSendNotification);
    replyEditor.setText (e.replyPort > 0 ? juce::String (e.replyPort) : "auto", juce::dontSendNotification);
    processor.setDaemonEndpoint (e);
}

void ShotcallerEditor::timerCallback()
{
    // The menu shows the listing just asked for, or the last one when the daemon is slow.
    if (kitMenuPending
        && (processor.getClient().getPresetListCount() != kitListingsAtAsk
            || juce::Time::getMillisecondCounter() - kitMenuAskedMs > 400))
    {
        kitMenuPending = false;
        showKitMenu();
    }
    refresh();
}

void ShotcallerEditor::askForKits()
{
    auto& client = processor.getClient();
    kitListingsAtAsk = client.getPresetListCount();
    kitMenuAskedMs = juce::Time::getMillisecondCounter();
    kitMenuPending = true;
    client.refreshPresets();
}

void ShotcallerEditor::showKitMenu()
{
    auto& client = processor.getClient();
    const auto names = client.getPresets();
    const auto current = client.getStatus().kit;

    juce::PopupMenu menu;
    menu.addSectionHeader ("Load a kit into this instance's pads");
    for (int i = 0; i < names.size(); ++i)
        menu.addItem (i + 1, names[i], true, names[i] == current);
    if (names.isEmpty())
        menu.addItem (-1, client.getStatus().online ? "no kits on the daemon" : "no kits: the daemon is offline", false);

    juce::Component::SafePointer<ShotcallerEditor> self (this);
    menu.showMenuAsync (juce::PopupMenu::Options().withTargetComponent (&kitButton), [self, names] (int result)
    {
        if (self != nullptr && result >= 1 && result <= names.size())
            self->processor.getClient().loadPreset (names[result - 1]);
    });
}

void ShotcallerEditor::refresh()
{
    auto& client = processor.getClient();
    const auto& sampler = processor.getSampler();
    const int selected = processor.selectedPad();

    bool flashing = false;
    for (int i = 0; i < params::numPads; ++i)
    {
        const auto count = sampler.triggerCount (i);
        if (count != lastTriggers[(size_t) i])
            flash[(size_t) i] = 1.0f;
        lastTriggers[(size_t) i] = count;
        flash[(size_t) i] = juce::jmax (0.0f, flash[(size_t) i] - 0.15f);
        flashing = flashing || flash[(size_t) i] > 0.0f;
    }

    const int change = client.getChangeCount();
    const auto& shown = grid.getView();
    if (change == lastChange && selected == shownPad && ! flashing && shown.keymap == processor.keymap()
        && shown.chromaticPad == (int) chromaticPad.getValue() && flash == shown.flash)
        return;
    lastChange = change;

    PadGrid::View view;
    view.pads = client.getPads();
    view.selected = selected;
    view.keymap = processor.keymap();
    view.chromaticPad = (int) chromaticPad.getValue();
    view.flash = flash;
    grid.setView (view);

    if (selected != shownPad)
    {
        shownPad = selected;
        promptBox.setText (view.pads[(size_t) selected].prompt, false);
        notice.clear();
    }

    if (morphInto.getSelectedId() == 1)
    {
        const int dest = morphDestination (selected, morphWith.getSelectedId() - 1);
        morphInto.changeItemText (1, dest >= 0 ? "auto: " + juce::String (dest) : juce::String ("auto: none"));
        morphInto.setSelectedId (1, juce::dontSendNotification);  // shows the new text
    }

    status = client.getStatus();
    kitButton.setButtonText (status.kit.isNotEmpty() ? "Kit: " + status.kit : juce::String ("Kits"));
    const auto& pad = view.pads[(size_t) selected];
    juce::String line = "Pad " + juce::String (selected) + ": ";
    if (notice.isNotEmpty())
        line = notice;
    else if (pad.status == PadStatus::error)
        line << pad.error;
    else if (pad.path.isNotEmpty())
        line << (pad.madeBy.isNotEmpty() ? pad.madeBy + ", " : juce::String()) << pad.path
             << (pad.hasSound ? "  (drag the pad onto a track)" : "");
    else
        line << "no sound yet. Type a prompt and press Return, or drop a WAV from the daemon's import folder.";
    if (status.lastError.isNotEmpty())
        line << "    |    last error: " << status.lastError;
    statusLine.setText (line, juce::dontSendNotification);
    repaint (header);
}

void ShotcallerEditor::paint (juce::Graphics& g)
{
    g.fillAll (theme::background);

    auto h = header;
    g.setColour (theme::panel);
    g.fillRect (h);

    g.setColour (theme::text);
    g.setFont (juce::Font (20.0f, juce::Font::bold));
    g.drawText ("Shotcaller", h.removeFromLeft (170).withTrimmedLeft (16), juce::Justification::centredLeft);

    // Online indicator: green when the daemon answers and its model is ready, amber while it
    // loads, red when two pings went unanswered.
    const bool online = status.online;
    const bool loading = online && status.state != "ready";
    const auto dotColour = ! online ? theme::error : loading ? theme::accent : theme::ready;
    auto dot = h.removeFromLeft (26).toFloat().withSizeKeepingCentre (12.0f, 12.0f);
    g.setColour (dotColour);
    g.fillEllipse (dot);

    const auto endpoint = processor.getClient().getEndpoint();
    const auto text = online ? "online: " + status.model + " (" + status.state + ")"
                             : "offline: start the daemon (shotcaller serve) on udp " + endpoint.host + ":"
                                   + juce::String (endpoint.port);
    g.setFont (juce::Font (13.0f));
    g.setColour (online ? theme::text : theme::dimText);
    g.drawText (text, h.withTrimmedRight (270), juce::Justification::centredLeft);
}

void ShotcallerEditor::resized()
{
    auto r = getLocalBounds();
    header = r.removeFromTop (44);

    auto ports = header.withTrimmedRight (12).removeFromRight (262).withSizeKeepingCentre (262, 22);
    portLabel.setBounds (ports.removeFromLeft (78));
    portEditor.setBounds (ports.removeFromLeft (50).withTrimmedLeft (4));
    replyLabel.setBounds (ports.removeFromLeft (80));
    replyEditor.setBounds (ports.removeFromLeft (50).withTrimmedLeft (4));

    r.reduce (12, 8);
    auto promptRow = r.removeFromTop (34);
    kitButton.setBounds (promptRow.removeFromRight (130));
    promptRow.removeFromRight (12);
    cancelButton.setBounds (promptRow.removeFromRight (70));
    promptRow.removeFromRight (6);
    renderButton.setBounds (promptRow.removeFromRight (80));
    promptRow.removeFromRight (8);
    promptBox.setBounds (promptRow);

    r.removeFromTop (8);
    auto controls = r.removeFromTop (96);

    auto seedColumn = controls.removeFromLeft (170);
    seedLabel.setBounds (seedColumn.removeFromTop (22));
    seed.setBounds (seedColumn.removeFromTop (28));
    seedColumn.removeFromTop (6);
    diceButton.setBounds (seedColumn.removeFromTop (28).withWidth (86));

    auto mapColumn = controls.removeFromRight (170);
    keymapLabel.setBounds (mapColumn.removeFromTop (22));
    keymap.setBounds (mapColumn.removeFromTop (26));
    chromaticLabel.setBounds (mapColumn.removeFromTop (22));
    chromaticPad.setBounds (mapColumn.removeFromTop (26).withWidth (110));

    const int knobWidth = controls.getWidth() / 4;
    std::array<std::pair<juce::Slider*, juce::Label*>, 4> knobs { { { &steps, &stepsLabel },
                                                                   { &guidance, &guidanceLabel },
                                                                   { &strength, &strengthLabel },
                                                                   { &duration, &durationLabel } } };
    for (auto& [slider, label] : knobs)
    {
        auto column = controls.removeFromLeft (knobWidth);
        label->setBounds (column.removeFromTop (18));
        slider->setBounds (column);
    }

    // Sounds from sounds: Vary | restyle words, Restyle | Morph knob, with pad, into pad.
    r.removeFromTop (4);
    auto soundRow = r.removeFromTop (44);
    auto centred = [] (juce::Rectangle<int> area, int height) { return area.withSizeKeepingCentre (area.getWidth(), height); };
    varyButton.setBounds (centred (soundRow.removeFromLeft (70), 30));
    soundRow.removeFromLeft (12);
    auto into = soundRow.removeFromRight (122);
    intoLabel.setBounds (centred (into.removeFromLeft (36), 24));
    morphInto.setBounds (centred (into.withTrimmedLeft (4), 26));
    soundRow.removeFromRight (6);
    auto with = soundRow.removeFromRight (122);
    withLabel.setBounds (centred (with.removeFromLeft (36), 24));
    morphWith.setBounds (centred (with.withTrimmedLeft (4), 26));
    morphKnob.setBounds (soundRow.removeFromRight (90));
    morphLabel.setBounds (centred (soundRow.removeFromRight (50), 24));
    soundRow.removeFromRight (10);
    restyleButton.setBounds (centred (soundRow.removeFromRight (80), 30));
    soundRow.removeFromRight (6);
    restyleBox.setBounds (centred (soundRow, 30));

    statusLine.setBounds (r.removeFromBottom (22));
    r.removeFromBottom (4);
    r.removeFromTop (6);
    grid.setBounds (r);
}
} // namespace shotcaller
