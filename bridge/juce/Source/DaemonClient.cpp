#include "DaemonClient.h"
#include "Protocol.h"

#include <cstring>

#if JUCE_WINDOWS
 #include <winsock2.h>
 #include <mstcpip.h>  // SIO_UDP_CONNRESET
#endif

namespace shotcaller
{
namespace
{
juce::uint32 nowMs() noexcept { return juce::Time::getMillisecondCounter(); }

bool isLoopback (const juce::String& host)
{
    return host == "127.0.0.1" || host.equalsIgnoreCase ("localhost") || host == "::1";
}

// Argument checks for replies: a reply of the wrong shape is reported, never trusted.
bool hasTypes (const juce::OSCMessage& m, const char* types)
{
    const auto n = (int) std::strlen (types);
    if (m.size() < n)
        return false;

    for (int i = 0; i < n; ++i)
    {
        const auto& a = m[i];
        const bool ok = types[i] == 'i' ? a.isInt32()
                      : types[i] == 'f' ? (a.isFloat32() || a.isInt32())
                      : a.isString();
        if (! ok)
            return false;
    }
    return true;
}

float number (const juce::OSCArgument& a) { return a.isFloat32() ? a.getFloat32() : (float) a.getInt32(); }

bool isBankName (const juce::String& name)
{
    return name.isNotEmpty() && name.length() <= 64 && juce::CharacterFunctions::isLetterOrDigit (name[0])
        && name.containsOnly ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");
}

// Render failures arrive as "slot 3: ..."; other errors name no slot.
int slotInMessage (const juce::String& message)
{
    if (! message.startsWith ("slot "))
        return -1;

    const auto digits = message.substring (5).initialSectionContainingOnly ("0123456789");
    return digits.isEmpty() ? -1 : digits.getIntValue();
}

// FNV-1a: a dragged copy's name changes with its sound, so a file a DAW already refers to is
// never overwritten by another sound of the same pad.
juce::uint64 contentHash (const juce::MemoryBlock& block) noexcept
{
    juce::uint64 h = 14695981039346656037ull;
    for (size_t i = 0; i < block.getSize(); ++i)
        h = (h ^ (juce::uint8) block[i]) * 1099511628211ull;
    return h;
}

juce::String dragFileName (int pad, const PadInfo& p)
{
    auto label = p.imported ? juce::File::createFileWithoutCheckingPath (p.sourceName).getFileNameWithoutExtension()
                            : p.prompt;
    label = label.trim().substring (0, 48).trim();
    const auto hash = juce::String::toHexString ((juce::int64) contentHash (*p.audio)).paddedLeft ('0', 16).substring (8);
    return juce::File::createLegalFileName ("Shotcaller pad " + juce::String (pad)
                                            + (label.isNotEmpty() ? " - " + label : juce::String())
                                            + " - " + hash + ".wav");
}
} // namespace

DaemonClient::DaemonClient (Sampler& s) : juce::Thread ("Shotcaller OSC"), sampler (s)
{
    bank = "plugin-" + juce::String::toHexString (juce::Random::getSystemRandom().nextInt()).paddedLeft ('0', 8);
    receiver.addListener (this);
    receiver.registerFormatErrorHandler ([this] (const char*, int size)
    {
        const juce::ScopedLock sl (modelLock);
        status.lastError = "malformed OSC packet from the daemon (" + juce::String (size) + " bytes)";
        changed();
    });
}

DaemonClient::~DaemonClient()
{
    stopThread (4000);
    {
        const juce::ScopedLock ml (modelLock);
        if (bankOpen)  // the next instance to open the bank gets it, not a copy
        {
            const juce::ScopedLock sl (sendLock);
            if (socket != nullptr)
                sender.send (juce::OSCMessage (protocol::in::bankClose, bank));
        }
    }
    const juce::ScopedLock sl (sendLock);
    receiver.disconnect();
    sender.disconnect();
    if (socket != nullptr)
        socket->shutdown();
}

void DaemonClient::connect (const Endpoint& e)
{
    {
        const juce::ScopedLock sl (sendLock);
        endpoint = e;
    }
    openSocket();

    if (! isThreadRunning())
        startThread();
    notify();
}

void DaemonClient::openSocket()
{
    {
        const juce::ScopedLock sl (sendLock);
        receiver.disconnect();
        sender.disconnect();
        if (socket != nullptr)
            socket->shutdown();

        const auto e = endpoint;
        socket = std::make_unique<juce::DatagramSocket> (false);

        // Loopback daemon: keep the reply port off the network.
        const bool bound = isLoopback (e.host) ? socket->bindToPort (e.replyPort, "127.0.0.1")
                                               : socket->bindToPort (e.replyPort);
        juce::String error;

        if (! bound)
            error = "cannot bind UDP port " + juce::String (e.replyPort);
        else if (! sender.connectToSocket (*socket, e.host, e.port))
            error = "cannot send to " + e.host + ":" + juce::String (e.port);
        else if (! receiver.connectToSocket (*socket))
            error = "cannot listen on UDP port " + juce::String (socket->getBoundPort());

       #if JUCE_WINDOWS
        // Windows ends reads on an unconnected UDP socket with WSAECONNRESET after an ICMP
        // "port unreachable" (a ping sent before the daemon started), which would stop the
        // OSCReceiver for good; SIO_UDP_CONNRESET turns that off.
        if (bound)
        {
            BOOL report = FALSE;
            DWORD unused = 0;
            WSAIoctl ((SOCKET) socket->getRawSocketHandle(), SIO_UDP_CONNRESET, &report, sizeof (report),
                      nullptr, 0, &unused, nullptr, nullptr);
        }
       #endif

        const juce::ScopedLock ml (modelLock);
        status.lastError = error;
        status.localPort = bound ? socket->getBoundPort() : 0;
        lastHeardMs = 0;
        lastPingMs = 0;
    }
    changed();
}

DaemonClient::Endpoint DaemonClient::getEndpoint() const
{
    const juce::ScopedLock sl (sendLock);
    return endpoint;
}

//==============================================================================
void DaemonClient::render (int pad, const juce::String& prompt, const params::RenderSettings& settings)
{
    if (! isPad (pad) || prompt.trim().isEmpty())
        return;

    {
        const juce::ScopedLock sl (modelLock);
        auto& w = work[(size_t) pad];
        w.toSend = { Request::Kind::render, prompt.trim(), settings, {} };
        w.loadSaved = false;
        w.kit = false;  // the daemon replaces a kit render still queued for the slot
        ++w.generation;
        auto& p = pads[(size_t) pad];
        p.status = PadStatus::rendering;
        p.progress = 0.0f;
        p.error.clear();
        if (! p.hasSound)
            p.prompt = prompt.trim();
    }
    changed();
    notify();
}

void DaemonClient::cancel (int pad)
{
    if (! isPad (pad))
        return;

    const juce::ScopedLock sl (modelLock);
    work[(size_t) pad].toSend = { Request::Kind::cancel, {}, {}, {} };
    notify();
}

void DaemonClient::importFile (int pad, const juce::String& path, std::optional<float> rootNote)
{
    if (path.isEmpty())
        return;

    requestWork (pad, { Request::Kind::load, path, {}, rootNote });
}

void DaemonClient::vary (int pad, const params::RenderSettings& settings)
{
    Request r;
    r.kind = Request::Kind::vary;
    r.settings = settings;
    requestWork (pad, r);
}

void DaemonClient::restyle (int pad, const juce::String& text, const params::RenderSettings& settings)
{
    if (text.trim().isEmpty())
        return;

    Request r;
    r.kind = Request::Kind::restyle;
    r.prompt = text.trim();
    r.settings = settings;
    requestWork (pad, r);
}

void DaemonClient::morph (int a, int b, float t, int dest)
{
    if (! isPad (a) || ! isPad (b) || a == b)
        return;

    Request r;
    r.kind = Request::Kind::morph;
    r.morphA = a;
    r.morphB = b;
    r.morphT = juce::jlimit (0.0f, 1.0f, t);
    requestWork (dest, r);
}

void DaemonClient::requestWork (int pad, Request r)
{
    if (! isPad (pad))
        return;

    {
        const juce::ScopedLock sl (modelLock);
        auto& w = work[(size_t) pad];
        w.toSend = std::move (r);
        w.loadSaved = false;
        w.kit = false;
        ++w.generation;
        auto& p = pads[(size_t) pad];
        p.status = PadStatus::rendering;
        p.progress = 0.0f;
        p.error.clear();
    }
    changed();
    notify();
}

void DaemonClient::refreshPresets()
{
    {
        const juce::ScopedLock sl (modelLock);
        presetsWanted = true;
    }
    notify();
}

void DaemonClient::loadPreset (const juce::String& name)
{
    if (name.trim().isEmpty())
        return;

    {
        const juce::ScopedLock sl (modelLock);
        kitToSend = name.trim();
    }
    notify();
}

juce::StringArray DaemonClient::getPresets() const
{
    const juce::ScopedLock sl (modelLock);
    return presets;
}

juce::File DaemonClient::draggedSoundsFolder()
{
    return juce::File::getSpecialLocation (juce::File::userApplicationDataDirectory)
        .getChildFile ("Shotcaller").getChildFile ("Dragged sounds");
}

juce::File DaemonClient::fileForDrag (int pad)
{
    if (! isPad (pad))
        return {};

    const auto p = getPad (pad);

    // The daemon's file while it exists; taken, so a re-render of the slot does not delete the
    // file out from under the DAW's clip.
    if (p.path.isNotEmpty() && juce::File::isAbsolutePath (p.path) && juce::File (p.path).existsAsFile())
    {
        {
            const juce::ScopedLock sl (modelLock);
            auto& w = work[(size_t) pad];
            if (w.takenPath != p.path)
                w.takeToSend = p.path;
        }
        notify();
        return juce::File (p.path);
    }

    // Else the project's own copy (another machine, no daemon, the file cleaned up).
    if (p.audio == nullptr)
        return {};

    const auto file = draggedSoundsFolder().getChildFile (dragFileName (pad, p));
    if (file.existsAsFile())
        return file;  // this very sound, written by an earlier drag

    juce::String error;
    if (! SampleLoader::writeWav (*p.audio, file, error))
    {
        const juce::ScopedLock sl (modelLock);
        status.lastError = "pad " + juce::String (pad) + ": " + error;
        changed();
        return {};
    }
    return file;
}

PadInfo DaemonClient::getPad (int pad) const
{
    const juce::ScopedLock sl (modelLock);
    return pads[(size_t) juce::jlimit (0, params::numPads - 1, pad)];
}

std::array<PadInfo, params::numPads> DaemonClient::getPads() const
{
    const juce::ScopedLock sl (modelLock);
    return pads;
}

DaemonClient::Status DaemonClient::getStatus() const
{
    const juce::ScopedLock sl (modelLock);
    auto s = status;
    s.online = isOnline();
    return s;
}

juce::String DaemonClient::getBank() const
{
    const juce::ScopedLock sl (modelLock);
    return bank;
}

void DaemonClient::setBank (const juce::String& name)
{
    {
        const juce::ScopedLock sl (modelLock);
        if (! isBankName (name) || name == bank)
            return;
        bank = name;
        bankOpen = bankAsked = false;  // open it before anything else goes out
    }
    notify();
}

bool DaemonClient::isOnline() const
{
    return lastHeardMs != 0 && nowMs() - lastHeardMs < (juce::uint32) offlineAfterMs;
}

void DaemonClient::restorePads (const std::array<PadInfo, params::numPads>& saved)
{
    {
        const juce::ScopedLock sl (modelLock);
        adoptDaemonSlots = false;  // the project's pads win over the daemon's current slots
        kitToSend.clear();
        kitAwaited.clear();
        kitStateAsked = false;
        kitStateDueMs = 0;

        for (int i = 0; i < params::numPads; ++i)
        {
            auto& p = pads[(size_t) i];
            auto& w = work[(size_t) i];
            const auto& s = saved[(size_t) i];

            p = {};
            p.prompt = s.prompt;
            p.settings = s.settings;
            p.path = s.path;
            p.rootNote = s.rootNote;
            p.seconds = s.seconds;
            p.imported = s.imported;
            p.sourceName = s.sourceName;
            p.madeBy = s.madeBy;
            p.audio = s.audio;

            w.toSend = {};
            w.inFlight = {};
            w.kit = w.kitSlotAwaited = w.kitRendered = false;  // a kit loading meanwhile is dropped
            w.kitRequest = {};
            ++w.generation;
            // Only pads that had a sound get one back; a prompt alone waits for Render.
            w.loadSaved = s.audio != nullptr || s.path.isNotEmpty();

            // The pad's current sound stops being played now; the project's comes once loaded.
            w.toInstall.reset();
            w.install = true;

            if (w.loadSaved)
                p.status = PadStatus::rendering;  // shown as loading until the file is in
        }
    }

    changed();
    notify();
}

//==============================================================================
void DaemonClient::oscMessageReceived (const juce::OSCMessage& m)
{
    {
        const juce::ScopedLock sl (incomingLock);
        incoming.push_back (m);
    }
    notify();
}

void DaemonClient::oscBundleReceived (const juce::OSCBundle& b)
{
    for (const auto& element : b)
    {
        if (element.isMessage())
            oscMessageReceived (element.getMessage());
        else
            oscBundleReceived (element.getBundle());
    }
}

void DaemonClient::run()
{
    while (! threadShouldExit())
    {
        std::vector<juce::OSCMessage> batch;
        {
            const juce::ScopedLock sl (incomingLock);
            batch.swap (incoming);
        }

        for (const auto& m : batch)
            handle (m);

        loadRestored();
        sendPending();
        installPending();

        if (projectDirty.exchange (false) && onProjectChanged)
            onProjectChanged();

        if (nowMs() - lastPingMs >= (juce::uint32) pingIntervalMs)
        {
            lastPingMs = nowMs();
            bool inBank;
            {
                const juce::ScopedLock sl (modelLock);
                inBank = bankOpen;
            }
            // In the bank: the daemon sees this instance still holds it.
            if (inBank)
                sendInBank (juce::OSCMessage (protocol::in::ping));
            else
                send (juce::OSCMessage (protocol::in::ping));
            changed();  // the online indicator may have timed out
        }

        sampler.collectGarbage();
        wait (20);
    }
}

bool DaemonClient::send (const juce::OSCMessage& m)
{
    const juce::ScopedLock sl (sendLock);
    return socket != nullptr && sender.send (m);
}

bool DaemonClient::send (const juce::OSCBundle& b)
{
    const juce::ScopedLock sl (sendLock);
    return socket != nullptr && sender.send (b);
}

bool DaemonClient::sendInBank (const juce::OSCBundle& b)
{
    juce::OSCBundle withBank;
    withBank.addElement (juce::OSCMessage (protocol::in::bank, getBank()));
    for (const auto& element : b)
        withBank.addElement (element);
    return send (withBank);
}

bool DaemonClient::sendInBank (const juce::OSCMessage& m)
{
    juce::OSCBundle b;
    b.addElement (m);
    return sendInBank (b);
}

void DaemonClient::sendPending()
{
    bool askState = false, askPresets = false, askKitState = false;
    juce::String openBank, kit;
    std::vector<std::pair<int, Request>> toSend;
    std::vector<std::pair<int, juce::String>> takes;
    {
        const juce::ScopedLock sl (modelLock);
        const bool online = isOnline();

        // Back after a silence (a restarted or very busy daemon): requests it never answered
        // may have been lost, so they go again. A duplicate only replaces an identical request.
        // The bank is opened again first (a restarted daemon knows it, but not who holds it).
        if (online && ! wasOnline)
        {
            for (auto& w : work)
                if (w.inFlight.kind != Request::Kind::none && ! w.inFlight.acknowledged && w.toSend.kind == Request::Kind::none)
                    w.toSend = w.inFlight;
            if (kitAwaited.isNotEmpty() && kitToSend.isEmpty())
                kitToSend = std::exchange (kitAwaited, {});
            bankOpen = bankAsked = false;
            presetsAsked = false;  // the kits may have changed while it was away
        }
        wasOnline = online;

        // Requests wait for the daemon's first answer on this socket (it may not be running
        // yet), then for the daemon to confirm the bank; after that a slow answer is no
        // reason to hold them back.
        if (lastHeardMs == 0)
            return;

        if (! bankOpen)
        {
            if (! std::exchange (bankAsked, true))
                openBank = bank;
        }
    }

    if (openBank.isNotEmpty())
        send (juce::OSCMessage (protocol::in::bankOpen, openBank));  // alone: not in a bank

    {
        const juce::ScopedLock sl (modelLock);
        if (! bankOpen)
            return;

        if (adoptDaemonSlots && ! everOnline)
            askState = true;
        everOnline = true;

        if (! std::exchange (presetsAsked, true))
            presetsWanted = true;
        askPresets = std::exchange (presetsWanted, false);
        if (askPresets)
            presetsNextPage = 0;

        kit = std::exchange (kitToSend, {});
        if (kit.isNotEmpty())
            kitAwaited = kit;

        if (kitStateDueMs != 0 && ! kitStateAsked && (juce::int32) (nowMs() - kitStateDueMs) >= 0)
        {
            kitStateDueMs = 0;
            kitStateAsked = true;
            ++kitStateRounds;
            for (auto& w : work)  // the pads not known yet, and those rendered but not named
                w.kitSlotAwaited = (w.kit || w.kitRendered) && w.kitRequest.kind == Request::Kind::none;
            askKitState = true;
        }

        for (int i = 0; i < params::numPads; ++i)
        {
            auto& w = work[(size_t) i];
            if (w.toSend.kind == Request::Kind::none)
                continue;

            if (w.toSend.kind != Request::Kind::cancel)
                w.inFlight = w.toSend;
            toSend.emplace_back (i, std::exchange (w.toSend, {}));
        }

        for (int i = 0; i < params::numPads; ++i)
        {
            auto& w = work[(size_t) i];
            if (w.takeToSend.isNotEmpty())
            {
                w.takenPath = w.takeToSend;
                takes.emplace_back (i, std::exchange (w.takeToSend, {}));
            }
        }
    }

    if (askState)
        sendInBank (juce::OSCMessage (protocol::in::state));
    if (askPresets)
        sendInBank (juce::OSCMessage (protocol::in::presetList, (juce::int32) 0));
    // In the bank: the kit's slots are this instance's pads.
    if (kit.isNotEmpty())
        sendInBank (juce::OSCMessage (protocol::in::presetLoad, kit));
    if (askKitState)
        sendInBank (juce::OSCMessage (protocol::in::state));
    for (const auto& [pad, path] : takes)
        sendInBank (juce::OSCMessage (protocol::in::take, (juce::int32) pad, path));

    for (const auto& [pad, r] : toSend)
    {
        const auto slot = (juce::int32) pad;

        if (r.kind == Request::Kind::render)
        {
            // One bundle: the daemon runs its messages at once and in order.
            juce::OSCBundle b;
            const auto& s = r.settings;
            b.addElement (juce::OSCMessage (protocol::in::set, slot, juce::String ("seed"), (juce::int32) s.seed));
            b.addElement (juce::OSCMessage (protocol::in::set, slot, juce::String ("steps"), (juce::int32) s.steps));
            b.addElement (juce::OSCMessage (protocol::in::set, slot, juce::String ("guidance"), s.guidance));
            b.addElement (juce::OSCMessage (protocol::in::set, slot, juce::String ("strength"), s.strength));
            b.addElement (juce::OSCMessage (protocol::in::set, slot, juce::String ("duration"), s.duration));
            b.addElement (juce::OSCMessage (protocol::in::prompt, slot, r.prompt));
            {
                const juce::ScopedLock sl (modelLock);
                lastPadFor[protocol::in::set] = pad;
                lastPadFor[protocol::in::prompt] = pad;
            }
            sendInBank (b);
        }
        else if (r.kind == Request::Kind::load)
        {
            {
                const juce::ScopedLock sl (modelLock);
                lastPadFor[protocol::in::load] = pad;
            }
            if (r.rootNote.has_value())
                sendInBank (juce::OSCMessage (protocol::in::load, slot, r.prompt, *r.rootNote));
            else
                sendInBank (juce::OSCMessage (protocol::in::load, slot, r.prompt));
        }
        else if (r.kind == Request::Kind::vary || r.kind == Request::Kind::restyle)
        {
            // The slot's steps, guidance and strength (the distance) are the knobs', then the
            // command, in one bundle; the daemon draws the seed.
            juce::OSCBundle b;
            const auto& s = r.settings;
            b.addElement (juce::OSCMessage (protocol::in::set, slot, juce::String ("steps"), (juce::int32) s.steps));
            b.addElement (juce::OSCMessage (protocol::in::set, slot, juce::String ("guidance"), s.guidance));
            b.addElement (juce::OSCMessage (protocol::in::set, slot, juce::String ("strength"), s.strength));
            const bool isVary = r.kind == Request::Kind::vary;
            b.addElement (isVary ? juce::OSCMessage (protocol::in::vary, slot)
                                 : juce::OSCMessage (protocol::in::restyle, slot, r.prompt));
            {
                const juce::ScopedLock sl (modelLock);
                lastPadFor[protocol::in::set] = pad;
                lastPadFor[isVary ? protocol::in::vary : protocol::in::restyle] = pad;
            }
            sendInBank (b);
        }
        else if (r.kind == Request::Kind::morph)
        {
            {
                const juce::ScopedLock sl (modelLock);
                lastPadFor[protocol::in::morph] = pad;
            }
            sendInBank (juce::OSCMessage (protocol::in::morph, (juce::int32) r.morphA, (juce::int32) r.morphB,
                                          r.morphT, slot));
        }
        else if (r.kind == Request::Kind::cancel)
        {
            {
                const juce::ScopedLock sl (modelLock);
                lastPadFor[protocol::in::cancel] = pad;
            }
            sendInBank (juce::OSCMessage (protocol::in::cancel, slot));
        }
    }
}

void DaemonClient::loadRestored()
{
    for (int i = 0; i < params::numPads; ++i)
    {
        juce::String path;
        float root = -1.0f;
        int generation = 0;
        std::shared_ptr<const juce::MemoryBlock> embedded;
        {
            const juce::ScopedLock sl (modelLock);
            auto& w = work[(size_t) i];
            if (! w.loadSaved)
                continue;
            w.loadSaved = false;
            path = pads[(size_t) i].path;
            root = pads[(size_t) i].rootNote;
            embedded = pads[(size_t) i].audio;
            generation = w.generation;
        }

        // The project's own copy first: it needs no daemon and survives the daemon's clean-up.
        juce::String error;
        std::unique_ptr<Sample> sample;
        if (embedded != nullptr)
            sample = loader.loadMemory (*embedded, root, path, error);
        if (sample == nullptr)
            sample = loader.load (juce::File (path), root, error);
        if (sample != nullptr && embedded == nullptr)
            embedded = SampleLoader::encodeFlac (*sample);

        const juce::ScopedLock sl (modelLock);
        auto& w = work[(size_t) i];
        auto& p = pads[(size_t) i];
        if (w.generation != generation)
            continue;  // superseded while loading

        if (sample != nullptr)
        {
            w.toInstall = std::move (sample);
            w.install = true;
            p.hasSound = true;
            p.audio = embedded;
            p.status = PadStatus::ready;
        }
        else if (p.prompt.isNotEmpty() && ! p.imported && p.madeBy.isEmpty())
        {
            // The daemon replaced or lost the file: render it again, same prompt and seed.
            // (A variation, restyle or morph is not its prompt's render: it cannot be.)
            w.toSend = { Request::Kind::render, p.prompt, p.settings, {} };
            p.status = PadStatus::rendering;
            p.progress = 0.0f;
        }
        else
        {
            p.status = PadStatus::error;
            p.error = "sample file missing: " + path;
        }
        changed();
    }
}

void DaemonClient::installPending()
{
    for (int i = 0; i < params::numPads; ++i)
    {
        std::unique_ptr<Sample> sample;
        {
            const juce::ScopedLock sl (modelLock);
            auto& w = work[(size_t) i];
            if (! std::exchange (w.install, false))
                continue;
            sample = std::move (w.toInstall);
        }

        if (! sampler.install (i, sample))
        {
            // The sampler's queue is full (audio not running?): retry on the next round,
            // unless a newer sound arrived meanwhile.
            const juce::ScopedLock sl (modelLock);
            auto& w = work[(size_t) i];
            if (! w.install)
            {
                w.toInstall = std::move (sample);
                w.install = true;
            }
        }
    }
}

//==============================================================================
void DaemonClient::handle (const juce::OSCMessage& m)
{
    const auto address = m.getAddressPattern().toString();
    {
        const juce::ScopedLock sl (modelLock);
        lastHeardMs = juce::jmax<juce::uint32> (1, nowMs());  // any reply shows the daemon is there
    }

    if (address == protocol::out::pong)
    {
        const juce::ScopedLock sl (modelLock);
        if (hasTypes (m, protocol::out::pongTypes))
        {
            status.model = m[1].getString();
            status.state = m[2].getString();
        }
        changed();
    }
    else if (address == protocol::out::progress)
    {
        if (! hasTypes (m, protocol::out::progressTypes) || ! isPad (m[0].getInt32()))
            return;

        const juce::ScopedLock sl (modelLock);
        auto& p = pads[(size_t) m[0].getInt32()];
        auto& w = work[(size_t) m[0].getInt32()];
        if (w.inFlight.kind == Request::Kind::none && ! w.kit)
            return;  // a late reply for a request the pad no longer waits for
        w.inFlight.acknowledged = true;
        p.status = PadStatus::rendering;
        p.progress = juce::jlimit (0.0f, 1.0f, number (m[1]));
        changed();
    }
    else if (address == protocol::out::ready)
    {
        handleReady (m);
    }
    else if (address == protocol::out::error)
    {
        handleError (m);
    }
    else if (address == protocol::out::cancelled)
    {
        if (! hasTypes (m, protocol::out::cancelledTypes) || ! isPad (m[0].getInt32()))
            return;

        const juce::ScopedLock sl (modelLock);
        auto& p = pads[(size_t) m[0].getInt32()];
        auto& w = work[(size_t) m[0].getInt32()];
        w.inFlight = {};
        w.kit = false;
        p.status = p.hasSound ? PadStatus::ready : PadStatus::empty;
        p.progress = 0.0f;
        changed();
    }
    else if (address == protocol::out::slot)
    {
        handleSlot (m);
    }
    else if (address == protocol::out::bankOpened)
    {
        if (! hasTypes (m, protocol::out::bankOpenedTypes) || ! isBankName (m[0].getString()))
            return;

        const juce::ScopedLock sl (modelLock);
        // The name to keep: ours, or a copy's when another instance holds ours (the host
        // copied this plugin with its state). Saved with the project from now on.
        const auto given = m[0].getString();
        if (given != bank)
            projectChanged();
        bank = given;
        bankOpen = true;
        changed();
    }
    else if (address == protocol::out::stateDone)
    {
        const juce::ScopedLock sl (modelLock);
        adoptDaemonSlots = false;
        if (std::exchange (kitStateAsked, false))
            kitStateDone();
    }
    else if (address == protocol::out::presetList)
    {
        handlePresetList (m);
    }
    else if (address == protocol::out::presetLoaded)
    {
        handlePresetLoaded (m);
    }
    // /shot/keymap, /shot/note/ready, /shot/taken and /shot/preset/saved are not for this
    // front end.
}

void DaemonClient::handleReady (const juce::OSCMessage& m)
{
    // /shot/ready i slot, s path, f root, f seconds, i seed
    if (! hasTypes (m, protocol::out::readyTypes) || ! isPad (m[0].getInt32()))
    {
        const juce::ScopedLock sl (modelLock);
        status.lastError = "unexpected /shot/ready arguments";
        changed();
        return;
    }

    const int pad = m[0].getInt32();
    const auto path = m[1].getString();
    const float root = number (m[2]);

    juce::String error;
    auto sample = loader.load (juce::File (path), root, error);
    const auto embedded = sample != nullptr ? SampleLoader::encodeFlac (*sample) : nullptr;

    const juce::ScopedLock sl (modelLock);
    auto& p = pads[(size_t) pad];
    auto& w = work[(size_t) pad];

    // Nothing of ours in flight for the pad (the project was restored meanwhile, or the request
    // was answered already) and no kit loading: a late reply, dropped. Only this instance
    // renders its bank.
    const bool forKit = w.inFlight.kind == Request::Kind::none && w.kit;
    if (w.inFlight.kind == Request::Kind::none && ! forKit)
        return;

    if (forKit)
        w.kit = false;  // a kit renders each of its slots once

    if (sample == nullptr)
    {
        p.status = PadStatus::error;
        p.error = error;
        status.lastError = "pad " + juce::String (pad) + ": " + error;  // pads are labelled from 0
        changed();
        return;
    }

    // A kit's render: its prompt and settings, or (not known yet) from the /shot/slot to come.
    const auto request = forKit ? w.kitRequest : std::exchange (w.inFlight, {});
    w.kitRendered = forKit;
    if (forKit && request.kind == Request::Kind::none)
    {
        p.imported = false;
        p.sourceName.clear();
        p.madeBy.clear();
    }
    if (request.kind == Request::Kind::render)
    {
        p.prompt = request.prompt;
        p.settings = request.settings;
        p.imported = false;
        p.sourceName.clear();
        p.madeBy.clear();
    }
    else if (request.kind == Request::Kind::load)
    {
        p.prompt.clear();
        p.settings = {};
        p.imported = true;
        p.sourceName = juce::File::createFileWithoutCheckingPath (request.prompt).getFileName();
        p.madeBy.clear();
    }
    else if (request.kind == Request::Kind::vary || request.kind == Request::Kind::restyle)
    {
        // The pad keeps its prompt, as the daemon's slot does; an imported sound stays one.
        p.settings.steps = request.settings.steps;
        p.settings.guidance = request.settings.guidance;
        p.settings.strength = request.settings.strength;
        p.madeBy = request.kind == Request::Kind::vary ? juce::String ("varied") : "restyled: " + request.prompt;
    }
    else if (request.kind == Request::Kind::morph)
    {
        p.imported = false;
        p.sourceName.clear();
        p.madeBy = "morph of pads " + juce::String (request.morphA) + " and " + juce::String (request.morphB)
                 + " at " + juce::String (request.morphT, 2);
    }

    p.settings.seed = m[4].getInt32();
    p.path = path;
    p.rootNote = root;
    p.seconds = number (m[3]);
    p.audio = embedded;
    p.hasSound = true;
    p.error.clear();
    p.progress = 1.0f;
    // A newer request may already be queued; the pad keeps showing it as rendering.
    p.status = w.toSend.kind == Request::Kind::none ? PadStatus::ready : PadStatus::rendering;
    w.toInstall = std::move (sample);
    w.install = true;
    w.loadSaved = false;
    projectChanged();
}

void DaemonClient::handleError (const juce::OSCMessage& m)
{
    if (! hasTypes (m, protocol::out::errorTypes))
        return;

    const auto address = m[0].getString();
    const auto message = m[1].getString();

    const juce::ScopedLock sl (modelLock);
    status.lastError = address + ": " + message;

    const int pad = padForError (address, message);
    if (address == protocol::in::presetLoad)
    {
        // "slot N: ..." is one of the kit's renders failing; anything else, the kit itself.
        if (isPad (pad))
        {
            auto& w = work[(size_t) pad];
            w.kit = w.kitSlotAwaited = false;
            pads[(size_t) pad].status = PadStatus::error;
            pads[(size_t) pad].error = message;
        }
        else
        {
            kitAwaited.clear();  // refused: nothing of it is coming
        }
        changed();
        return;
    }

    // A cancel with nothing to cancel, a note, a refused /shot/take (a dragged file of another
    // bank) or a preset listing says nothing about the pad's sound.
    if (isPad (pad) && address != protocol::in::note && address != protocol::in::cancel
        && address != protocol::in::take && address != protocol::in::presetList)
    {
        auto& p = pads[(size_t) pad];
        // A failed /shot/set does not stop the render that follows it in the bundle.
        if (address != protocol::in::set)
            work[(size_t) pad].inFlight = {};
        if (address != protocol::in::set || p.status != PadStatus::rendering)
            p.status = PadStatus::error;
        p.error = message;
    }
    changed();
}

int DaemonClient::padForError (const juce::String& address, const juce::String& message) const
{
    // modelLock held. "slot N: ..." (a render failing) or "slot N has no sound ..." names the
    // pad; else the pad the command was last sent for. A morph's refusal may name a or b
    // ("slot 1 has no sound to morph"), but the pad waiting for it is its destination.
    const int named = slotInMessage (message);
    if (address == protocol::in::morph && ! (isPad (named) && work[(size_t) named].inFlight.kind == Request::Kind::morph))
    {
        const auto it = lastPadFor.find (address);
        return it != lastPadFor.end() ? it->second : -1;
    }
    if (isPad (named) || address == protocol::in::presetLoad)
        return named;

    const auto it = lastPadFor.find (address);
    return it != lastPadFor.end() ? it->second : -1;
}

void DaemonClient::handleSlot (const juce::OSCMessage& m)
{
    // /shot/slot i slot, s status, s prompt, s negative, i seed, i steps, f guidance,
    //            f duration, f strength, f root, s repitch, f gain, s path
    if (! hasTypes (m, protocol::out::slotTypes))
        return;

    const int pad = m[0].getInt32();
    if (! isPad (pad))
        return;

    const juce::ScopedLock sl (modelLock);
    if (handleKitSlot (pad, m))
        return;

    auto& p = pads[(size_t) pad];
    auto& w = work[(size_t) pad];
    const auto idle = w.toSend.kind == Request::Kind::none && w.inFlight.kind == Request::Kind::none;
    const bool adopt = adoptDaemonSlots && idle && ! p.hasSound && p.prompt.isEmpty();

    if (! adopt)
        return;

    p.prompt = m[2].getString();
    p.settings.steps = m[5].getInt32();
    p.settings.guidance = number (m[6]);
    p.settings.duration = number (m[7]);
    p.settings.strength = number (m[8]);

    p.settings.seed = m[4].getInt32();
    p.path = m[12].getString();
    p.imported = p.prompt.isEmpty() && p.path.isNotEmpty();
    p.rootNote = number (m[9]);
    w.loadSaved = p.path.isNotEmpty();
    p.status = w.loadSaved ? PadStatus::rendering : PadStatus::empty;
    ++w.generation;
    changed();
}

bool DaemonClient::handleKitSlot (int pad, const juce::OSCMessage& m)
{
    // modelLock held. The /shot/state asked after /shot/preset/loaded: which pads the kit
    // renders ("rendering": queued or under way) and with what prompt and settings.
    auto& p = pads[(size_t) pad];
    auto& w = work[(size_t) pad];
    if (! std::exchange (w.kitSlotAwaited, false))
        return false;

    Request r { Request::Kind::render, m[2].getString(), {}, {} };
    r.settings.seed = m[4].getInt32();
    r.settings.steps = m[5].getInt32();
    r.settings.guidance = number (m[6]);
    r.settings.duration = number (m[7]);
    r.settings.strength = number (m[8]);

    if (w.kitRendered && p.hasSound)
    {
        // Its sound came first: name it now (the seed stays the one /shot/ready gave).
        r.settings.seed = p.settings.seed;
        p.prompt = r.prompt;
        p.settings = r.settings;
        w.kitRequest = r;
        projectChanged();
    }
    else if (m[1].getString() == "rendering" && w.kit)
    {
        w.kitRequest = r;
        if (! p.hasSound)
            p.prompt = r.prompt;
        if (p.status != PadStatus::rendering)
            p.progress = 0.0f;
        p.status = PadStatus::rendering;
        p.error.clear();
        changed();
    }
    // Else not known yet: the state may have been read before the daemon queued the kit's
    // renders (it queues them just after /shot/preset/loaded). kitStateDone() asks again.
    return true;
}

void DaemonClient::kitStateDone()
{
    // modelLock held. Every slot of the kit accounted for (rendering or rendered), or asked
    // often enough (a kit slot without a prompt is never rendered): the other pads stop
    // taking replies as the kit's.
    int known = 0;
    for (auto& w : work)
    {
        w.kitSlotAwaited = false;
        known += (w.kitRendered || w.kitRequest.kind != Request::Kind::none) ? 1 : 0;
    }

    if (known >= status.kitSlots || kitStateRounds >= 4)
    {
        for (auto& w : work)
            if (! w.kitRendered && w.kitRequest.kind == Request::Kind::none)
                w.kit = false;
        return;
    }
    kitStateDueMs = juce::jmax<juce::uint32> (1, nowMs() + 150);
}

void DaemonClient::handlePresetLoaded (const juce::OSCMessage& m)
{
    if (! hasTypes (m, protocol::out::presetLoadedTypes))
        return;

    {
        const juce::ScopedLock sl (modelLock);
        if (kitAwaited.isEmpty() || m[0].getString() != kitAwaited)
            return;  // a duplicate (sent again after a silence) or one the project replaced

        kitAwaited.clear();
        status.kit = m[0].getString();
        status.kitSlots = m[1].getInt32();

        // The reply names no slots, and the renders' /shot/progress and /shot/ready follow it:
        // every pad takes them until the bank's state says which pads the kit renders.
        for (auto& w : work)
        {
            w.kit = true;
            w.kitSlotAwaited = w.kitRendered = false;
            w.kitRequest = {};
        }
        kitStateAsked = false;
        kitStateRounds = 0;
        kitStateDueMs = juce::jmax<juce::uint32> (1, nowMs());  // sendPending asks at once
        changed();
    }
    notify();
}

void DaemonClient::handlePresetList (const juce::OSCMessage& m)
{
    // /shot/preset/list i page, i pages, s name ...
    if (! hasTypes (m, protocol::out::presetListTypes))
        return;

    const int page = m[0].getInt32(), pages = m[1].getInt32();
    bool askNext = false;
    {
        const juce::ScopedLock sl (modelLock);
        if (page == 0)
            presetsIncoming.clear();
        else if (page != presetsNextPage)
            return;  // a page of an older listing

        for (int i = 2; i < m.size(); ++i)
            if (m[i].isString())
                presetsIncoming.add (m[i].getString());

        presetsNextPage = page + 1;
        askNext = presetsNextPage < pages;
        if (! askNext)
        {
            presets = std::exchange (presetsIncoming, {});
            ++presetListings;
            changed();
        }
    }

    if (askNext)  // outside modelLock: sending takes sendLock, which openSocket holds first
        sendInBank (juce::OSCMessage (protocol::in::presetList, (juce::int32) (page + 1)));
}

} // namespace shotcaller
