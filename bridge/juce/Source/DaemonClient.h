#pragma once

#include <array>
#include <functional>
#include <atomic>
#include <map>
#include <memory>
#include <optional>

#include <juce_osc/juce_osc.h>

#include "Params.h"
#include "SampleLoader.h"
#include "Sampler.h"

namespace shotcaller
{
enum class PadStatus { empty, rendering, ready, error };

/** One pad as the plugin sees it: the project's part (saved by the host) and the live part. */
struct PadInfo
{
    // Saved with the project.
    juce::String prompt;              // the prompt of the sound (or of the render under way)
    params::RenderSettings settings;  // of the sound; settings.seed is the seed it was made with
    juce::String path;                // the daemon's WAV file of the sound
    float rootNote = -1.0f;           // from /shot/ready; -1 = unpitched
    float seconds = 0.0f;
    bool imported = false;            // from /shot/load: nothing to re-render from
    juce::String sourceName;          // the imported file's own name
    juce::String madeBy;              // a sound made from sounds: "varied", "restyled: darker",
                                      // "morph of pads 0 and 1 at 0.50"; "" for a render or import
    // The sound itself, FLAC: a project reopens with it on another machine or with no daemon.
    std::shared_ptr<const juce::MemoryBlock> audio;

    // Live.
    PadStatus status = PadStatus::empty;
    float progress = 0.0f;
    juce::String error;
    bool hasSound = false;            // a decoded sound is in the sampler (or on its way)
};

/** The plugin's side of the daemon's OSC address space (bridge/OSC.md).

    One UDP socket is shared by a juce::OSCSender and a juce::OSCReceiver, so the daemon's
    replies (sent to the requester's address) come back to it without any --reply-port.
    Each instance renders into a bank of 16 slots of its own (bridge/OSC.md, "Banks"): it opens
    the bank (saved with the project) whenever the daemon comes online, and sends every command
    in a bundle headed by /shot/bank NAME, so two instances never share a slot. A copied
    instance (same saved name, the original still running) is given a copy of the bank.
    Kits (/shot/preset/load) load into the same bank; the pads they render take the renders'
    replies like any request of their own.
    Replies are queued by the receiver's thread and handled on this client's worker thread,
    which also decodes the WAV files named by /shot/ready, hands them to the Sampler, pings the
    daemon and frees the samples the audio thread gave back. Nothing here runs on the audio
    thread, and nothing needs the message thread (hosts and the headless test alike). */
class DaemonClient : private juce::Thread,
                     private juce::OSCReceiver::Listener<juce::OSCReceiver::RealtimeCallback>
{
public:
    struct Endpoint
    {
        juce::String host { "127.0.0.1" };
        int port = 9000;      // the daemon's --osc-port
        int replyPort = 0;    // our local port; 0 = any (set it to the daemon's --reply-port if used)
    };

    struct Status
    {
        bool online = false;
        juce::String model, state;  // from /shot/pong
        juce::String lastError;
        int localPort = 0;
        juce::String kit;    // the last kit loaded (/shot/preset/loaded)
        int kitSlots = -1;   // the slots it lists
    };

    static constexpr int pingIntervalMs = 1000;
    static constexpr int offlineAfterMs = 2500;  // nothing heard for two pings

    explicit DaemonClient (Sampler&);
    ~DaemonClient() override;

    /** (Re)binds the socket and starts the worker; safe to call again with a new endpoint. */
    void connect (const Endpoint&);
    Endpoint getEndpoint() const;

    //==============================================================================
    // Commands; any thread but the audio thread. Sent by the worker, when the daemon is online.

    /** /shot/set (seed, steps, guidance, strength, duration) and /shot/prompt, in one bundle. */
    void render (int pad, const juce::String& prompt, const params::RenderSettings&);
    /** /shot/cancel */
    void cancel (int pad);
    /** /shot/load: a file inside the daemon's import folders; root detected when omitted. */
    void importFile (int pad, const juce::String& path, std::optional<float> rootNote);

    // Sounds from sounds: the daemon works on its slot's current sound, so these are for pads
    // with one (the editor refuses the others). The steps, guidance and strength (how far the
    // new sound may move) are set on the slot in the same bundle. The result replaces the pad's
    // sound like a render; the pad keeps its prompt.
    /** /shot/vary: a new sound near the pad's current one, a new seed each time. */
    void vary (int pad, const params::RenderSettings&);
    /** /shot/restyle: the pad's sound moved toward `text` ("darker"), its pitch kept. */
    void restyle (int pad, const juce::String& text, const params::RenderSettings&);
    /** /shot/morph: the sound `t` (0..1) of the way from pad a's sound to pad b's (a != b), into
        pad dest, which shows the progress and takes the result. */
    void morph (int a, int b, float t, int dest);

    /** /shot/preset/list, every page; the names arrive in getPresets(). Also asked each time
        the daemon comes online. */
    void refreshPresets();
    /** /shot/preset/load NAME in this instance's bank: the kit's slots render into its pads,
        which show progress and get their sounds as for any render. */
    void loadPreset (const juce::String& name);
    /** The daemon's kits (user and shipped), sorted, as of the last complete listing. */
    juce::StringArray getPresets() const;
    /** Increments whenever a complete listing arrives (even an unchanged one). */
    int getPresetListCount() const noexcept { return presetListings.load(); }

    /** A WAV file of the pad's sound, for dragging it into a DAW: the daemon's own file while
        it exists (then also marked with /shot/take, so re-renders never delete it), else the
        project's embedded copy written to draggedSoundsFolder(). A non-existent File when the
        pad has no sound or the WAV cannot be written. Message thread (any but the audio one). */
    juce::File fileForDrag (int pad);
    /** Where fileForDrag() writes embedded sounds: a per-user folder that outlives the session,
        since a DAW may keep referring to a dropped file rather than copy it. */
    static juce::File draggedSoundsFolder();

    //==============================================================================
    PadInfo getPad (int pad) const;
    std::array<PadInfo, params::numPads> getPads() const;
    Status getStatus() const;
    /** Called on the client's worker thread (no lock held) when what the project saves has
        changed: a pad's sound, prompt or settings, or the bank's name. */
    std::function<void()> onProjectChanged;

    /** Increments on every change the editor may want to show. */
    int getChangeCount() const noexcept { return changes.load(); }

    /** The daemon bank this instance renders into ("plugin-" and 8 hex digits when new). */
    juce::String getBank() const;
    /** The project's bank (from the host's saved state): opened again under that name. */
    void setBank (const juce::String&);

    /** Replaces every pad with the project's (prompt, settings, path...): each sound is loaded
        from its file, or re-rendered with its prompt, seed and settings when the daemon has
        deleted the file. */
    void restorePads (const std::array<PadInfo, params::numPads>&);

private:
    struct Request
    {
        enum class Kind { none, render, load, cancel, vary, restyle, morph };
        Kind kind = Kind::none;
        juce::String prompt;  // or the path, for load; the text, for restyle
        params::RenderSettings settings;
        std::optional<float> rootNote;
        bool acknowledged = false;  // the daemon answered (progress) for it
        int morphA = -1, morphB = -1;  // a morph's two pads (the request is the destination's)
        float morphT = 0.0f;
    };

    struct PadWork
    {
        Request toSend;              // waiting for the daemon to be online
        Request inFlight;            // sent; its /shot/ready (or error) is expected
        bool loadSaved = false;      // restored: load the embedded audio, else pads[i].path,
                                     // else re-render
        bool install = false;        // hand `toInstall` (nullptr: silence) to the sampler
        std::unique_ptr<Sample> toInstall;
        int generation = 0;          // bumped by every new request: late results are dropped

        // A kit load may render into the pad: its /shot/progress and /shot/ready are taken
        // although no request of the pad's own is in flight (the daemon's /shot/preset/loaded
        // gives a count, not the slots).
        bool kit = false;
        bool kitSlotAwaited = false;  // a /shot/slot of the kit's /shot/state round is due
        bool kitRendered = false;     // the kit's render for the pad came in
        Request kitRequest;           // the kit's prompt and settings: a known kit pad
        juce::String takeToSend;      // a dragged daemon file to mark with /shot/take
        juce::String takenPath;       // the last file /shot/take was sent for
    };

    void openSocket();
    void run() override;
    void oscMessageReceived (const juce::OSCMessage&) override;
    void oscBundleReceived (const juce::OSCBundle&) override;

    void handle (const juce::OSCMessage&);
    void handleReady (const juce::OSCMessage&);
    void handleError (const juce::OSCMessage&);
    int padForError (const juce::String& address, const juce::String& message) const;
    // The pad's next request (an import, a vary, restyle or morph): the pad shows it working.
    void requestWork (int pad, Request);
    void handleSlot (const juce::OSCMessage&);
    void handlePresetList (const juce::OSCMessage&);
    void handlePresetLoaded (const juce::OSCMessage&);
    bool handleKitSlot (int pad, const juce::OSCMessage&);
    void kitStateDone();
    void sendPending();
    void loadRestored();
    void installPending();
    bool isOnline() const;
    bool send (const juce::OSCBundle&);
    bool send (const juce::OSCMessage&);
    /** In a bundle after /shot/bank NAME: the message speaks of this instance's bank. */
    bool sendInBank (const juce::OSCMessage&);
    bool sendInBank (const juce::OSCBundle&);
    void changed() noexcept { ++changes; }
    void projectChanged() noexcept { ++changes; projectDirty = true; }
    static bool isPad (int pad) noexcept { return pad >= 0 && pad < params::numPads; }

    Sampler& sampler;
    SampleLoader loader;  // worker thread only

    mutable juce::CriticalSection sendLock;
    std::unique_ptr<juce::DatagramSocket> socket;
    juce::OSCSender sender;
    juce::OSCReceiver receiver;
    Endpoint endpoint;

    juce::CriticalSection incomingLock;
    std::vector<juce::OSCMessage> incoming;

    mutable juce::CriticalSection modelLock;  // pads, work, status, lastPadFor
    std::array<PadInfo, params::numPads> pads;
    std::array<PadWork, params::numPads> work;
    Status status;
    juce::uint32 lastHeardMs = 0;  // any message from the daemon on this socket; 0 = none yet
    bool wasOnline = false;
    bool everOnline = false;
    bool adoptDaemonSlots = true;  // a fresh instance shows its bank's slots (/shot/state)
    juce::String bank;             // the daemon bank (modelLock)
    bool bankOpen = false;         // the daemon confirmed `bank`: commands may go out
    bool bankAsked = false;        // /shot/bank/open sent since the daemon came online
    std::map<juce::String, int> lastPadFor;  // command -> pad, to place errors without "slot N:"

    // Kits (modelLock).
    juce::String kitToSend;            // waiting for the bank to be open
    juce::String kitAwaited;           // sent; /shot/preset/loaded (or an error) is expected
    bool kitStateAsked = false;        // a /shot/state round for the kit is under way
    int kitStateRounds = 0;
    juce::uint32 kitStateDueMs = 0;    // when to ask (again); 0 = no need
    bool presetsWanted = false;        // page 0 of /shot/preset/list to send
    bool presetsAsked = false;         // asked since the daemon came online
    juce::StringArray presets, presetsIncoming;  // complete listing; pages still arriving
    int presetsNextPage = 0;
    std::atomic<int> presetListings { 0 };

    juce::uint32 lastPingMs = 0;
    std::atomic<int> changes { 0 };
    std::atomic<bool> projectDirty { false };

    JUCE_DECLARE_NON_COPYABLE_WITH_LEAK_DETECTOR (DaemonClient)
};
} // namespace shotcaller
