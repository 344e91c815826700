#include "PadGrid.h"

#include "Theme.h"

namespace shotcaller
{
void PadGrid::setView (const View& v)
{
    view = v;
    repaint();
}

juce::Rectangle<float> PadGrid::padBounds (int pad) const
{
    // Pad 0 bottom-left, like a Drum Rack or an MPC: notes rise left to right, bottom to top.
    const int column = pad % 4, row = 3 - pad / 4;
    const auto cell = getLocalBounds().toFloat();
    const float w = cell.getWidth() / 4.0f, h = cell.getHeight() / 4.0f;
    return { cell.getX() + (float) column * w, cell.getY() + (float) row * h, w, h };
}

int PadGrid::padAt (juce::Point<int> p) const
{
    for (int i = 0; i < params::numPads; ++i)
        if (padBounds (i).contains (p.toFloat()))
            return i;
    return -1;
}

void PadGrid::paint (juce::Graphics& g)
{
    for (int i = 0; i < params::numPads; ++i)
        paintPad (g, i, padBounds (i).reduced (4.0f));
}

void PadGrid::paintPad (juce::Graphics& g, int index, juce::Rectangle<float> r) const
{
    const auto& pad = view.pads[(size_t) index];
    const bool selected = index == view.selected;
    const bool chromatic = view.keymap == params::Keymap::chromatic;
    const bool playable = chromatic ? index == view.chromaticPad : true;

    auto stateColour = theme::empty;
    juce::String stateText = "empty";

    switch (pad.status)
    {
        case PadStatus::empty:
            break;
        case PadStatus::rendering:
            stateColour = theme::rendering;
            stateText = pad.progress > 0.0f ? "rendering " + juce::String (juce::roundToInt (pad.progress * 100.0f)) + "%"
                                            : juce::String (pad.path.isNotEmpty() && ! pad.hasSound ? "loading" : "queued");
            break;
        case PadStatus::ready:
            stateColour = theme::ready;
            stateText = juce::String (pad.seconds, 2) + " s"
                      + (pad.rootNote >= 0.0f ? "  root " + juce::String (pad.rootNote, 1) : juce::String())
                      + (pad.settings.seed >= 0 ? "  seed " + juce::String (pad.settings.seed) : juce::String());
            break;
        case PadStatus::error:
            stateColour = theme::error;
            stateText = pad.error;
            break;
    }

    // Body; a played pad lights up for a moment.
    auto body = theme::pad.interpolatedWith (stateColour, pad.status == PadStatus::empty ? 0.0f : 0.12f);
    body = body.interpolatedWith (juce::Colours::white, 0.35f * view.flash[(size_t) index]);
    g.setColour (playable ? body : body.darker (0.35f));
    g.fillRoundedRectangle (r, 6.0f);

    g.setColour (selected ? theme::accent : theme::outline);
    g.drawRoundedRectangle (r.reduced (0.5f), 6.0f, selected ? 2.0f : 1.0f);

    auto inner = r.reduced (8.0f, 6.0f);
    auto header = inner.removeFromTop (16.0f);

    // Slot index and the key that plays it.
    const auto key = chromatic ? juce::String (index == view.chromaticPad ? "all keys" : "")
                               : juce::MidiMessage::getMidiNoteName (params::firstDrumNote + index, true, true, 3);
    g.setFont (juce::Font (13.0f, juce::Font::bold));
    g.setColour (theme::text);
    g.drawText (juce::String (index), header, juce::Justification::centredLeft);
    g.setFont (juce::Font (12.0f));
    g.setColour (theme::dimText);
    g.drawText (key, header, juce::Justification::centredRight);

    // Status line at the bottom, with a progress bar while rendering.
    auto footer = inner.removeFromBottom (16.0f);
    if (pad.status == PadStatus::rendering)
    {
        auto bar = footer.withTrimmedTop (11.0f);
        g.setColour (theme::outline);
        g.fillRoundedRectangle (bar, 2.0f);
        g.setColour (theme::rendering);
        g.fillRoundedRectangle (bar.withWidth (bar.getWidth() * juce::jlimit (0.0f, 1.0f, pad.progress)), 2.0f);
        footer = footer.withTrimmedBottom (5.0f);
    }
    g.setFont (juce::Font (11.0f));
    g.setColour (stateColour);
    g.drawFittedText (stateText, footer.toNearestInt(), juce::Justification::centredLeft, 1, 0.8f);

    // Prompt (or the imported file's name), and how a sound made from sounds was made.
    auto label = pad.imported ? "file: " + (pad.sourceName.isNotEmpty() ? pad.sourceName
                                                                      : juce::File (pad.path).getFileName())
                              : pad.prompt;
    if (pad.madeBy.isNotEmpty())
        label = label.isEmpty() ? pad.madeBy : label + "\n(" + pad.madeBy + ")";
    g.setFont (juce::Font (13.5f));
    g.setColour (label.isEmpty() ? theme::dimText : theme::text);
    g.drawFittedText (label.isEmpty() ? juce::String ("-") : label, inner.reduced (0.0f, 2.0f).toNearestInt(),
                      juce::Justification::topLeft, 3, 0.85f);
}

void PadGrid::mouseDown (const juce::MouseEvent& e)
{
    const int pad = padAt (e.getPosition());
    pressedPad = pad;
    if (pad >= 0 && onSelect)
        onSelect (pad);
}

void PadGrid::mouseDrag (const juce::MouseEvent& e)
{
    // A few pixels first, so a slightly shaky click stays a click.
    if (pressedPad < 0 || e.getDistanceFromDragStart() < 6 || fileForDrag == nullptr)
        return;

    const int pad = std::exchange (pressedPad, -1);  // one drag per press
    const auto& info = view.pads[(size_t) pad];
    if (! info.hasSound && info.audio == nullptr)
        return;

    const auto file = fileForDrag (pad);
    if (! file.existsAsFile())
        return;

    draggingOut = true;
    // The callback may come on another thread (Windows runs the drag on a thread pool).
    juce::Component::SafePointer<PadGrid> self (this);
    const bool started = juce::DragAndDropContainer::performExternalDragDropOfFiles (
        { file.getFullPathName() }, false, this, [self]
        {
            juce::MessageManager::callAsync ([self]
            {
                if (auto* grid = self.getComponent())
                    grid->draggingOut = false;
            });
        });
    if (! started)
        draggingOut = false;
}

bool PadGrid::isInterestedInFileDrag (const juce::StringArray& files)
{
    return ! draggingOut && files.size() == 1 && juce::File (files[0]).hasFileExtension ("wav;aif;aiff;flac");
}

void PadGrid::filesDropped (const juce::StringArray& files, int x, int y)
{
    const int pad = padAt ({ x, y });
    if (pad >= 0 && ! files.isEmpty() && onFileDropped)
        onFileDropped (pad, files[0]);
}
} // namespace shotcaller
