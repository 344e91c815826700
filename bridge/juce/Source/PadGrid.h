#pragma once

#include <array>
#include <functional>

#include <juce_gui_basics/juce_gui_basics.h>

#include "DaemonClient.h"

namespace shotcaller
{
/** The 4x4 pad grid: each pad's slot, key, prompt and state (empty, rendering with progress,
    ready, error). Click selects a pad; dragging a pad that holds a sound drags its WAV out
    (into a DAW's track or browser); dropping an audio file on a pad imports it (/shot/load:
    the daemon accepts files inside its import folders only). */
class PadGrid : public juce::Component, public juce::FileDragAndDropTarget
{
public:
    struct View
    {
        std::array<PadInfo, params::numPads> pads;
        int selected = 0;
        params::Keymap keymap = params::Keymap::drums;
        int chromaticPad = 0;
        std::array<float, params::numPads> flash {};  // 1 = just played, fades to 0
    };

    std::function<void (int pad)> onSelect;
    std::function<void (int pad, const juce::String& path)> onFileDropped;
    /** The WAV to drag out of a pad (DaemonClient::fileForDrag); a non-existent File: none. */
    std::function<juce::File (int pad)> fileForDrag;

    void setView (const View&);
    const View& getView() const noexcept { return view; }

    void paint (juce::Graphics&) override;
    void mouseDown (const juce::MouseEvent&) override;
    void mouseDrag (const juce::MouseEvent&) override;
    bool isInterestedInFileDrag (const juce::StringArray& files) override;
    void filesDropped (const juce::StringArray& files, int x, int y) override;

    /** The pad under a point, or -1. */
    int padAt (juce::Point<int>) const;

private:
    juce::Rectangle<float> padBounds (int pad) const;
    void paintPad (juce::Graphics&, int pad, juce::Rectangle<float>) const;

    View view;
    int pressedPad = -1;       // where the mouse went down; -1 once a drag started from it
    bool draggingOut = false;  // our own file is being dragged: not one to import
};
} // namespace shotcaller
