#include "PluginProcessor.h"

#include "PluginEditor.h"

namespace shotcaller
{
namespace
{
const juce::Identifier daemonTag { "Daemon" }, padsTag { "Pads" }, padTag { "Pad" };
const juce::Identifier hostId { "host" }, portId { "port" }, replyPortId { "replyPort" }, bankId { "bank" };
const juce::Identifier indexId { "index" }, promptId { "prompt" }, seedId { "seed" }, stepsId { "steps" },
    guidanceId { "guidance" }, strengthId { "strength" }, durationId { "duration" }, pathId { "path" },
    rootId { "root" }, secondsId { "seconds" }, importedId { "imported" }, sourceId { "source" },
    madeById { "madeBy" }, audioId { "audioFlac" };

juce::ValueTree padToTree (int index, const PadInfo& p)
{
    juce::ValueTree t (padTag);
    t.setProperty (indexId, index, nullptr)
        .setProperty (promptId, p.prompt, nullptr)
        .setProperty (seedId, p.settings.seed, nullptr)
        .setProperty (stepsId, p.settings.steps, nullptr)
        .setProperty (guidanceId, p.settings.guidance, nullptr)
        .setProperty (strengthId, p.settings.strength, nullptr)
        .setProperty (durationId, p.settings.duration, nullptr)
        .setProperty (pathId, p.path, nullptr)
        .setProperty (rootId, p.rootNote, nullptr)
        .setProperty (secondsId, p.seconds, nullptr)
        .setProperty (importedId, p.imported, nullptr)
        .setProperty (sourceId, p.sourceName, nullptr)
        .setProperty (madeById, p.madeBy, nullptr);
    if (p.audio != nullptr)  // the sound itself, so the project needs neither the file nor the daemon
        t.setProperty (audioId, p.audio->toBase64Encoding(), nullptr);
    return t;
}

PadInfo padFromTree (const juce::ValueTree& t)
{
    const params::RenderSettings defaults;
    PadInfo p;
    p.prompt = t.getProperty (promptId).toString();
    p.settings.seed = t.getProperty (seedId, defaults.seed);
    p.settings.steps = t.getProperty (stepsId, defaults.steps);
    p.settings.guidance = t.getProperty (guidanceId, defaults.guidance);
    p.settings.strength = t.getProperty (strengthId, defaults.strength);
    p.settings.duration = t.getProperty (durationId, defaults.duration);
    p.path = t.getProperty (pathId).toString();
    p.rootNote = t.getProperty (rootId, -1.0f);
    p.seconds = t.getProperty (secondsId, 0.0f);
    p.imported = t.getProperty (importedId, false);
    p.sourceName = t.getProperty (sourceId).toString();
    p.madeBy = t.getProperty (madeById).toString();
    const auto audio = t.getProperty (audioId).toString();
    if (audio.isNotEmpty())
    {
        auto block = std::make_shared<juce::MemoryBlock>();
        if (block->fromBase64Encoding (audio) && block->getSize() > 0)
            p.audio = std::move (block);
    }
    return p;
}
} // namespace

ShotcallerProcessor::ShotcallerProcessor()
    : AudioProcessor (BusesProperties().withOutput ("Output", juce::AudioChannelSet::stereo(), true)),
      parameters (*this, nullptr, "ShotcallerState", params::createLayout()),
      client (sampler)
{
    keymapValue = parameters.getRawParameterValue (params::keymap);
    chromaticPadValue = parameters.getRawParameterValue (params::chromaticPad);
    // A new sound or bank name changes the project without any parameter moving: tell the
    // host, so it marks the project modified and saves it. JUCE's wrappers take this from
    // any thread.
    client.onProjectChanged = [this]
    {
        updateHostDisplay (ChangeDetails().withNonParameterStateChanged (true));
    };
    client.connect ({});
}

ShotcallerProcessor::~ShotcallerProcessor() = default;

//==============================================================================
void ShotcallerProcessor::prepareToPlay (double sampleRate, int)
{
    sampler.prepare (sampleRate);
}

bool ShotcallerProcessor::isBusesLayoutSupported (const BusesLayout& layouts) const
{
    const auto out = layouts.getMainOutputChannelSet();
    return layouts.getMainInputChannelSet().isDisabled()
        && (out == juce::AudioChannelSet::mono() || out == juce::AudioChannelSet::stereo());
}

void ShotcallerProcessor::processBlock (juce::AudioBuffer<float>& buffer, juce::MidiBuffer& midi)
{
    juce::ScopedNoDenormals noDenormals;
    sampler.render (buffer, midi, keymap(), (int) chromaticPadValue->load());
}

juce::AudioProcessorEditor* ShotcallerProcessor::createEditor()
{
    return new ShotcallerEditor (*this);
}

//==============================================================================
params::RenderSettings ShotcallerProcessor::currentSettings() const
{
    auto value = [this] (const juce::String& id) { return parameters.getRawParameterValue (id)->load(); };
    // On the parameters' own steps, so 1.0 goes out as 1.0 rather than 0.99999994.
    auto step = [] (float v, double interval) { return (float) (std::round (v / interval) * interval); };
    params::RenderSettings s;
    s.seed = juce::roundToInt (value (params::seed));
    s.steps = juce::roundToInt (value (params::steps));
    s.guidance = step (value (params::guidance), 0.1);
    s.strength = step (value (params::strength), 0.01);
    s.duration = step (value (params::duration), 0.01);
    return s;
}

int ShotcallerProcessor::selectedPad() const
{
    return juce::roundToInt (parameters.getRawParameterValue (params::pad)->load());
}

params::Keymap ShotcallerProcessor::keymap() const
{
    return keymapValue->load() >= 0.5f ? params::Keymap::chromatic : params::Keymap::drums;
}

void ShotcallerProcessor::renderPad (int pad, const juce::String& prompt)
{
    client.render (pad, prompt, currentSettings());
}

void ShotcallerProcessor::rollDice (int pad, const juce::String& prompt)
{
    setParameter (params::seed, (float) juce::Random::getSystemRandom().nextInt (params::maxSeed + 1));
    renderPad (pad, prompt);
}

void ShotcallerProcessor::setParameter (const juce::String& id, float plainValue)
{
    if (auto* p = parameters.getParameter (id))
    {
        // One gesture, so the host records one automation point and one undo step.
        p->beginChangeGesture();
        p->setValueNotifyingHost (p->convertTo0to1 (plainValue));
        p->endChangeGesture();
    }
}

void ShotcallerProcessor::setDaemonEndpoint (const DaemonClient::Endpoint& e)
{
    client.connect (e);
}

//==============================================================================
void ShotcallerProcessor::getStateInformation (juce::MemoryBlock& destData)
{
    auto state = parameters.copyState();
    state.removeChild (state.getChildWithName (daemonTag), nullptr);
    state.removeChild (state.getChildWithName (padsTag), nullptr);

    const auto e = client.getEndpoint();
    juce::ValueTree daemon (daemonTag);
    daemon.setProperty (hostId, e.host, nullptr)
        .setProperty (portId, e.port, nullptr)
        .setProperty (replyPortId, e.replyPort, nullptr)
        .setProperty (bankId, client.getBank(), nullptr);
    state.appendChild (daemon, nullptr);

    juce::ValueTree pads (padsTag);
    const auto all = client.getPads();
    for (int i = 0; i < params::numPads; ++i)
        pads.appendChild (padToTree (i, all[(size_t) i]), nullptr);
    state.appendChild (pads, nullptr);

    if (auto xml = state.createXml())
        copyXmlToBinary (*xml, destData);
}

void ShotcallerProcessor::setStateInformation (const void* data, int sizeInBytes)
{
    const auto xml = getXmlFromBinary (data, sizeInBytes);
    if (xml == nullptr || ! xml->hasTagName (parameters.state.getType()))
        return;

    const auto state = juce::ValueTree::fromXml (*xml);
    parameters.replaceState (state);

    const auto daemon = state.getChildWithName (daemonTag);
    if (daemon.isValid())
    {
        DaemonClient::Endpoint e;
        e.host = daemon.getProperty (hostId, e.host).toString();
        e.port = daemon.getProperty (portId, e.port);
        e.replyPort = daemon.getProperty (replyPortId, e.replyPort);
        const auto now = client.getEndpoint();
        if (e.host != now.host || e.port != now.port || e.replyPort != now.replyPort)
            client.connect (e);
        client.setBank (daemon.getProperty (bankId).toString());  // none in older projects
    }

    std::array<PadInfo, params::numPads> pads {};
    for (const auto& t : state.getChildWithName (padsTag))
    {
        const int index = t.getProperty (indexId, -1);
        if (index >= 0 && index < params::numPads)
            pads[(size_t) index] = padFromTree (t);
    }
    client.restorePads (pads);
}
} // namespace shotcaller

juce::AudioProcessor* JUCE_CALLTYPE createPluginFilter()
{
    return new shotcaller::ShotcallerProcessor();
}
