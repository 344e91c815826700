#pragma once

#include <juce_graphics/juce_graphics.h>

// The editor's colours, in one place.
namespace shotcaller::theme
{
inline const juce::Colour background { 0xff17191e };
inline const juce::Colour panel { 0xff22252c };
inline const juce::Colour pad { 0xff2b2f37 };
inline const juce::Colour outline { 0xff3a3f49 };
inline const juce::Colour text { 0xffe8e9ec };
inline const juce::Colour dimText { 0xff8b9099 };
inline const juce::Colour accent { 0xfff2a33a };
inline const juce::Colour empty { 0xff6b707a };
inline const juce::Colour rendering { 0xff4a9be0 };
inline const juce::Colour ready { 0xff4cc38a };
inline const juce::Colour error { 0xffe5484d };
} // namespace shotcaller::theme
