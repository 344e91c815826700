// Headless test of the Shotcaller plugin against a real daemon (started by
// tests/test_juce_plugin.py with a tiny random model):
//
//   shotcaller_plugin_test --port 9000 --import-file /abs/path/in/import/sine440.wav
//                          [--model NAME] [--screenshot editor.png] [--state-out state.bin]
//                          [--timeout 120]
//   shotcaller_plugin_test --port 9000 --preset NAME --preset-pads 1,4,6 [--timeout 120]
//   shotcaller_plugin_test --port 9000 --sound-ops [--timeout 120]
//
// The second form checks the kit browser alone: NAME is listed, loads into the instance's own
// bank and fills exactly the pads given (the slots the kit lists) with sounds. The third checks
// the editor's Vary, Restyle and Morph controls, pressed through the editor's own components.
//
// The processor is driven like a host would: prepareToPlay, then processBlock with MIDI
// note-ons, on this (the "audio") thread, while its OSC worker talks to the daemon over UDP.
// Prints one "PASS name: detail" / "FAIL name: detail" line per check and exits non-zero on
// any failure.

#include <cstdlib>
#include <iostream>
#include <new>

#include <juce_audio_processors/juce_audio_processors.h>
#include <juce_gui_basics/juce_gui_basics.h>

#include "PluginEditor.h"
#include "PluginProcessor.h"
#include "TestSignals.h"

//==============================================================================
// Every allocation and free made on this thread while processBlock runs is counted: the audio
// thread must do neither.
namespace
{
thread_local bool inAudioCallback = false;
std::atomic<int> audioAllocations { 0 }, audioFrees { 0 };
} // namespace

void* operator new (std::size_t size)
{
    if (inAudioCallback)
        ++audioAllocations;
    if (void* p = std::malloc (size == 0 ? 1 : size))
        return p;
    throw std::bad_alloc();
}

void* operator new[] (std::size_t size)
{
    if (inAudioCallback)
        ++audioAllocations;
    if (void* p = std::malloc (size == 0 ? 1 : size))
        return p;
    throw std::bad_alloc();
}

static void countedFree (void* p) noexcept
{
    if (p != nullptr && inAudioCallback)
        ++audioFrees;
    std::free (p);
}

void operator delete (void* p) noexcept { countedFree (p); }
void operator delete[] (void* p) noexcept { countedFree (p); }
void operator delete (void* p, std::size_t) noexcept { countedFree (p); }
void operator delete[] (void* p, std::size_t) noexcept { countedFree (p); }

//==============================================================================
namespace
{
using namespace shotcaller;
namespace sp = shotcaller::params;

struct Report
{
    int passed = 0, failed = 0;

    bool check (bool ok, const juce::String& name, const juce::String& detail)
    {
        std::cout << (ok ? "PASS " : "FAIL ") << name << ": " << detail << std::endl;
        (ok ? passed : failed)++;
        return ok;
    }

    void note (const juce::String& text) { std::cout << "NOTE " << text << std::endl; }
};

constexpr double hostRate = 44100.0;
constexpr int blockSize = 256;

/** A processor with a pretend host around it. */
struct Host
{
    std::unique_ptr<ShotcallerProcessor> processor = std::make_unique<ShotcallerProcessor>();
    juce::AudioBuffer<float> block { 2, blockSize };
    juce::MidiBuffer midi;
    int blocksProcessed = 0;

    explicit Host (int daemonPort)
    {
        processor->setDaemonEndpoint ({ "127.0.0.1", daemonPort, 0 });
        processor->setPlayConfigDetails (0, 2, hostRate, blockSize);
        processor->prepareToPlay (hostRate, blockSize);
        midi.ensureSize (4096);
    }

    ShotcallerProcessor& operator*() { return *processor; }
    ShotcallerProcessor* operator->() { return processor.get(); }

    void process()
    {
        inAudioCallback = true;
        processor->processBlock (block, midi);
        inAudioCallback = false;
        midi.clear();
        ++blocksProcessed;
    }

    /** All Sound Off (CC 120), then blocks until no voice sounds: one-shots ignore note-offs, so
        a long sound would otherwise ring into the next measurement. */
    void silence()
    {
        midi.addEvent (juce::MidiMessage::allSoundOff (1), 0);
        for (int i = 0; i < 100 && (i == 0 || processor->getSampler().activeVoices() > 0); ++i)
            process();
    }

    /** Plays `notes` (note, velocity) at the first sample of a silent sampler and returns
        `seconds` of output. */
    juce::AudioBuffer<float> play (std::initializer_list<std::pair<int, int>> notes, double seconds)
    {
        silence();
        const int total = (int) (seconds * hostRate);
        juce::AudioBuffer<float> out (2, total);
        out.clear();

        for (int done = 0; done < total; done += blockSize)
        {
            if (done == 0)
                for (auto [note, velocity] : notes)
                    midi.addEvent (juce::MidiMessage::noteOn (1, note, (juce::uint8) velocity), 0);

            process();
            const int n = juce::jmin (blockSize, total - done);
            for (int ch = 0; ch < 2; ++ch)
                out.copyFrom (ch, done, block, ch, 0, n);
        }
        return out;
    }

    /** Keeps the audio running (so new sounds get installed) until `done` or the timeout. */
    template <typename Predicate>
    bool waitFor (Predicate done, double timeoutSeconds)
    {
        const auto deadline = juce::Time::getMillisecondCounterHiRes() + timeoutSeconds * 1000.0;
        while (juce::Time::getMillisecondCounterHiRes() < deadline)
        {
            if (done())
                return true;
            process();
            juce::Thread::sleep (5);
        }
        return done();
    }

    /** Until the daemon answers pings with its model ready (or the timeout). */
    bool waitOnline (double timeoutSeconds)
    {
        auto& client = processor->getClient();
        return waitFor ([&] { auto s = client.getStatus(); return s.online && s.state == "ready"; }, timeoutSeconds);
    }

    PadInfo pad (int i) { return processor->getClient().getPad (i); }

    bool waitReady (int padIndex, double timeout)
    {
        const bool ready = waitFor ([&] { return pad (padIndex).status == PadStatus::ready; }, timeout);
        waitFor ([] { return false; }, 0.05);  // a few more blocks: the sound is installed
        return ready;
    }
};

juce::String describe (const PadInfo& p)
{
    static const char* names[] = { "empty", "rendering", "ready", "error" };
    return juce::String (names[(int) p.status]) + " prompt='" + p.prompt + "' seed=" + juce::String (p.settings.seed)
         + " root=" + juce::String (p.rootNote) + " path=" + p.path + (p.error.isNotEmpty() ? " error=" + p.error : "");
}

double frequencyOf (const juce::AudioBuffer<float>& b, double from, double to)
{
    const int start = (int) (from * hostRate), end = juce::jmin (b.getNumSamples(), (int) (to * hostRate));
    return test::estimateFrequency (b.getReadPointer (0) + start, end - start, hostRate);
}

/** What a host hears from the processor: project changes and parameter gestures. */
struct HostListener : juce::AudioProcessorListener
{
    std::atomic<int> stateChanges { 0 }, gesturesBegun { 0 }, gesturesEnded { 0 };
    void audioProcessorParameterChanged (juce::AudioProcessor*, int, float) override {}
    void audioProcessorChanged (juce::AudioProcessor*, const ChangeDetails& d) override
    {
        if (d.nonParameterStateChanged)
            ++stateChanges;
    }
    void audioProcessorParameterChangeGestureBegin (juce::AudioProcessor*, int) override { ++gesturesBegun; }
    void audioProcessorParameterChangeGestureEnd (juce::AudioProcessor*, int) override { ++gesturesEnded; }
};

struct Options
{
    int port = 0;
    juce::String importFile, model, screenshot, stateOut, preset, presetPads;
    bool soundOps = false;
    double timeout = 120.0;
};

Options parse (const juce::StringArray& args)
{
    Options o;
    for (int i = 0; i + 1 < args.size(); ++i)
    {
        if (args[i] == "--port") o.port = args[i + 1].getIntValue();
        else if (args[i] == "--import-file") o.importFile = args[i + 1];
        else if (args[i] == "--model") o.model = args[i + 1];
        else if (args[i] == "--screenshot") o.screenshot = args[i + 1];
        else if (args[i] == "--state-out") o.stateOut = args[i + 1];
        else if (args[i] == "--timeout") o.timeout = args[i + 1].getDoubleValue();
        else if (args[i] == "--preset") o.preset = args[i + 1];
        else if (args[i] == "--preset-pads") o.presetPads = args[i + 1];
    }
    o.soundOps = args.contains ("--sound-ops");
    return o;
}

//==============================================================================
int runTests (const Options& opt)
{
    Report r;
    Host a (opt.port);
    auto& client = a->getClient();

    // -- daemon online ----------------------------------------------------------------------
    const bool online = a.waitOnline (opt.timeout);
    const auto status = client.getStatus();
    r.check (online, "online", "pong from " + status.model + " (" + status.state + ") on local port "
                                    + juce::String (status.localPort));
    if (opt.model.isNotEmpty())
        r.check (status.model == opt.model, "pong model", "'" + status.model + "', expected '" + opt.model + "'");
    if (! online)
        return 1;

    // -- /shot/prompt -> /shot/progress -> /shot/ready with the tiny model -------------------
    HostListener host;
    a->addListener (&host);
    a->setParameter (sp::steps, 4);
    a->setParameter (sp::seed, 7);
    a->setParameter (sp::duration, 1.0f);
    r.check (host.gesturesBegun == 3 && host.gesturesEnded == 3, "parameter gestures",
             juce::String (host.gesturesBegun.load()) + " begun, " + juce::String (host.gesturesEnded.load())
                 + " ended for 3 changes");
    a->renderPad (0, "kick drum");
    float maxProgress = 0.0f;
    bool sawRendering = false;
    const bool rendered = a.waitFor ([&]
    {
        const auto p = a.pad (0);
        if (p.status == PadStatus::rendering)
        {
            sawRendering = true;
            maxProgress = juce::jmax (maxProgress, p.progress);
        }
        return p.status == PadStatus::ready || p.status == PadStatus::error;
    }, opt.timeout);
    a.waitFor ([] { return false; }, 0.05);
    const auto pad0 = a.pad (0);
    r.check (rendered && pad0.status == PadStatus::ready && sawRendering && pad0.hasSound,
             "render round trip", "pad 0 " + describe (pad0) + ", progress seen up to " + juce::String (maxProgress, 2));
    r.check (pad0.settings.seed == 7 && pad0.settings.steps == 4 && juce::File (pad0.path).existsAsFile(),
             "render settings", "seed " + juce::String (pad0.settings.seed) + ", steps " + juce::String (pad0.settings.steps));
    r.check (host.stateChanges > 0, "host told of the new sound",
             juce::String (host.stateChanges.load()) + " updateHostDisplay (non-parameter state) calls");
    a->removeListener (&host);

    // -- drums keymap: note 36 plays pad 0, velocity-sensitive; empty pads are silent -------
    a->setParameter (sp::keymap, 0);
    const auto kick = a.play ({ { 36, 127 } }, 1.5);
    const auto kickSoft = a.play ({ { 36, 64 } }, 1.5);
    const auto emptyPad = a.play ({ { 37, 127 } }, 0.5);
    const auto offMap = a.play ({ { 60, 127 } }, 0.5);
    const float kickPeak = test::peak (kick);
    r.check (kickPeak > 1.0e-3f && test::rms (kick) > 1.0e-4, "drum pad plays",
             "note 36 -> pad 0: peak " + juce::String (kickPeak, 4) + ", rms " + juce::String (test::rms (kick), 5));

    // Played at the file's own length: the daemon's rate is not the host's, no detuning.
    const double playedSeconds = (test::lastAbove (kick, 0.0f) + 1) / hostRate;
    r.check (std::abs (playedSeconds - pad0.seconds) < 0.02, "drum pad length",
             juce::String (playedSeconds, 3) + " s played, file " + juce::String (pad0.seconds, 3) + " s");

    const double ratio = test::peak (kickSoft) / kickPeak;
    r.check (std::abs (ratio - 64.0 / 127.0) < 0.01, "velocity", "peak ratio v64/v127 = " + juce::String (ratio, 4)
                                                                    + " (expected " + juce::String (64.0 / 127.0, 4) + ")");
    r.check (test::peak (emptyPad) == 0.0f && test::peak (offMap) == 0.0f, "empty pad silent",
             "note 37 (empty pad 1) peak " + juce::String (test::peak (emptyPad)) + ", note 60 (no pad) peak "
                 + juce::String (test::peak (offMap)));

    // -- /shot/load of a known sine, played chromatically ------------------------------------
    client.importFile (2, opt.importFile, 69.0f);
    const bool imported = a.waitReady (2, opt.timeout);
    const auto pad2 = a.pad (2);
    r.check (imported && pad2.imported && pad2.sourceName == juce::File (opt.importFile).getFileName()
                 && std::abs (pad2.rootNote - 69.0f) < 1.0e-4f && pad2.settings.seed == -1,
             "import",
             "pad 2 " + describe (pad2));

    a->setParameter (sp::keymap, 1);
    a->setParameter (sp::chromaticPad, 2);
    for (auto [note, expected] : { std::pair { 72, 523.2511 }, std::pair { 69, 440.0 }, std::pair { 57, 220.0 } })
    {
        const auto out = a.play ({ { note, 100 } }, 1.2);
        const double f = frequencyOf (out, 0.1, 1.1);
        const double c = f > 0.0 ? test::cents (f, expected) : 1.0e9;
        r.check (std::abs (c) < 20.0, "chromatic pitch " + juce::String (note),
                 "pitch=" + juce::String (f, 2) + " Hz expected=" + juce::String (expected, 2) + " Hz cents="
                     + juce::String (c, 2));
    }

    // Polyphony: two notes at once are the sum of each alone.
    const auto c5 = a.play ({ { 72, 100 } }, 0.8);
    const auto e5 = a.play ({ { 76, 100 } }, 0.8);
    const auto chord = a.play ({ { 72, 100 }, { 76, 100 } }, 0.8);
    juce::AudioBuffer<float> sum (c5);
    for (int ch = 0; ch < 2; ++ch)
        sum.addFrom (ch, 0, e5, ch, 0, e5.getNumSamples());
    const float polyError = test::maxDifference (chord, sum);
    r.check (polyError < 1.0e-5f && test::peak (chord) > test::peak (c5) * 1.2f, "polyphony",
             "notes 72+76 vs their sum: max difference " + juce::String (polyError, 8));

    // Voice limit: 40 notes at once leave 32 sounding once the 8 stolen ones have faded out.
    a.play ({ { 40, 100 }, { 41, 100 }, { 42, 100 }, { 43, 100 }, { 44, 100 }, { 45, 100 }, { 46, 100 }, { 47, 100 },
              { 48, 100 }, { 49, 100 }, { 50, 100 }, { 51, 100 }, { 52, 100 }, { 53, 100 }, { 54, 100 }, { 55, 100 },
              { 56, 100 }, { 57, 100 }, { 58, 100 }, { 59, 100 }, { 60, 100 }, { 61, 100 }, { 62, 100 }, { 63, 100 },
              { 64, 100 }, { 65, 100 }, { 66, 100 }, { 67, 100 }, { 68, 100 }, { 69, 100 }, { 70, 100 }, { 71, 100 },
              { 72, 100 }, { 73, 100 }, { 74, 100 }, { 75, 100 }, { 76, 100 }, { 77, 100 }, { 78, 100 }, { 79, 100 } },
            0.05);
    const int sounding = a->getSampler().activeVoices();
    a.silence();
    r.check (sounding == Sampler::maxVoices && a->getSampler().activeVoices() == 0, "voice limit and all sound off",
             "40 notes -> " + juce::String (sounding) + " voices; after CC 120: "
                 + juce::String (a->getSampler().activeVoices()));

    a->setParameter (sp::chromaticPad, 1);
    const auto emptyChromatic = a.play ({ { 72, 100 } }, 0.5);
    r.check (test::peak (emptyChromatic) == 0.0f, "empty chromatic pad silent",
             "chromatic pad 1 (empty), note 72 peak " + juce::String (test::peak (emptyChromatic)));

    // -- errors land on their pad -------------------------------------------------------------
    client.importFile (6, "no_such_file.wav", 60.0f);
    a.waitFor ([&] { return a.pad (6).status == PadStatus::error; }, 30.0);
    const auto pad6 = a.pad (6);
    r.check (pad6.status == PadStatus::error && pad6.error.contains ("no such file"), "error on pad", describe (pad6));

    // -- host state: save, let the daemon drop one file, restore into a new instance ----------
    a->setParameter (sp::keymap, 0);
    a->setParameter (sp::steps, 5);
    a->setParameter (sp::guidance, 2.5f);
    a->setParameter (sp::strength, 0.9f);
    a->setParameter (sp::seed, 1234);
    a->renderPad (3, "bell pluck");
    const bool bell = a.waitReady (3, opt.timeout);
    const auto pad3 = a.pad (3);
    r.check (bell && pad3.settings.seed == 1234, "dice seed render", "pad 3 " + describe (pad3));
    const auto bellOut = a.play ({ { 39, 127 } }, 1.2);
    const auto kickOut = a.play ({ { 36, 127 } }, 1.2);

    a->setParameter (sp::keymap, 1);
    a->setParameter (sp::chromaticPad, 2);
    a->setParameter (sp::pad, 3);
    juce::MemoryBlock saved;
    a->getStateInformation (saved);

    // A newer render of pad 3 replaces its file (the daemon deletes the old one).
    a->setParameter (sp::seed, 999);
    a->renderPad (3, "bell pluck");
    a.waitFor ([&] { return a.pad (3).path != pad3.path && a.pad (3).status == PadStatus::ready; }, opt.timeout);
    r.check (! juce::File (pad3.path).existsAsFile(), "re-render replaces file",
             "saved file " + pad3.path + " is gone, now " + a.pad (3).path);

    // The project as an older version saved it: pad 3 without its embedded sound (its file is
    // gone, so it is rendered again). A pad with a prompt but no sound yet (say its render was
    // cancelled) must come back idle, not start rendering by itself.
    juce::MemoryBlock legacy;
    int embeddedPads = 0;
    if (auto xml = juce::AudioProcessor::getXmlFromBinary (saved.getData(), (int) saved.getSize()))
    {
        if (auto* pads = xml->getChildByName ("Pads"))
            for (auto* p : pads->getChildIterator())
            {
                embeddedPads += p->hasAttribute ("audioFlac") ? 1 : 0;
                if (p->getIntAttribute ("index") == 3)
                    p->removeAttribute ("audioFlac");
                if (p->getIntAttribute ("index") == 7)
                    p->setAttribute ("prompt", "dusty snare");
            }
        juce::AudioProcessor::copyXmlToBinary (*xml, legacy);
    }
    r.check (embeddedPads == 3, "sounds embedded in the project",
             juce::String (embeddedPads) + " pads carry their sound (0, 2 and 3 have one), "
                 + juce::String ((int) saved.getSize()) + " bytes of state");

    Host b (opt.port);
    b->setStateInformation (legacy.getData(), (int) legacy.getSize());
    const bool restored = b.waitFor ([&]
    {
        for (int i : { 0, 2, 3 })
            if (b.pad (i).status != PadStatus::ready)
                return false;
        return true;
    }, opt.timeout);
    b.waitFor ([] { return false; }, 0.05);

    const auto settings = b->currentSettings();
    r.check (restored, "restore pads", "pad0 " + describe (b.pad (0)) + " | pad2 " + describe (b.pad (2)) + " | pad3 "
                                          + describe (b.pad (3)));
    r.check (settings.steps == 5 && std::abs (settings.guidance - 2.5f) < 1.0e-3f
                 && std::abs (settings.strength - 0.9f) < 1.0e-3f && settings.seed == 1234
                 && b->keymap() == sp::Keymap::chromatic && b->selectedPad() == 3,
             "restore parameters", "steps " + juce::String (settings.steps) + " guidance " + juce::String (settings.guidance)
                                       + " strength " + juce::String (settings.strength) + " seed " + juce::String (settings.seed));
    r.check (b.pad (0).prompt == "kick drum" && b.pad (0).settings.seed == 7 && b.pad (0).path == pad0.path
                 && b.pad (2).imported && b.pad (2).sourceName == pad2.sourceName
                 && b.pad (3).prompt == "bell pluck" && b.pad (3).settings.seed == 1234,
             "restore prompts and seeds", "pad 0 from its file, pad 3 re-rendered as " + b.pad (3).path);
    r.check (b.pad (3).path != pad3.path && juce::File (b.pad (3).path).existsAsFile(), "restore re-renders missing file",
             "pad 3 " + b.pad (3).path);
    r.check (b.pad (6).status == PadStatus::empty && ! b.pad (6).hasSound, "restore leaves empty pads empty",
             "pad 6 " + describe (b.pad (6)));
    r.check (b.pad (7).status == PadStatus::empty && b.pad (7).prompt == "dusty snare" && ! b.pad (7).hasSound,
             "restore keeps prompt-only pads idle", "pad 7 " + describe (b.pad (7)));

    const auto restoredSine = b.play ({ { 72, 100 } }, 1.0);
    const double fRestored = frequencyOf (restoredSine, 0.1, 0.9);
    r.check (std::abs (test::cents (juce::jmax (1.0, fRestored), 523.2511)) < 20.0, "restored chromatic pitch",
             "pitch=" + juce::String (fRestored, 2) + " Hz");
    b->setParameter (sp::keymap, 0);
    const float kickDiff = test::maxDifference (b.play ({ { 36, 127 } }, 1.2), kickOut);
    r.check (kickDiff == 0.0f, "restored sound identical", "pad 0 max difference " + juce::String (kickDiff));
    const auto bellAgain = b.play ({ { 39, 127 } }, 1.2);
    const float bellDiff = test::maxDifference (bellAgain, bellOut);
    r.check (test::peak (bellAgain) > 1.0e-3f && bellDiff < 1.0e-3f * test::peak (bellOut) + 1.0e-5f,
             "re-rendered sound matches", "pad 3 same prompt and seed, max difference " + juce::String (bellDiff, 7));

    // -- a project reopened with no daemon running: every pad plays its embedded sound --------
    {
        juce::DatagramSocket nobody;
        nobody.bindToPort (0, "127.0.0.1");
        const int deadPort = nobody.getBoundPort();
        nobody.shutdown();
        juce::MemoryBlock elsewhere;  // the same project, its daemon endpoint answering no one
        if (auto xml = juce::AudioProcessor::getXmlFromBinary (saved.getData(), (int) saved.getSize()))
        {
            if (auto* daemon = xml->getChildByName ("Daemon"))
                daemon->setAttribute ("port", deadPort);
            juce::AudioProcessor::copyXmlToBinary (*xml, elsewhere);
        }
        juce::File (pad0.path).deleteFile();  // and the daemon's files are gone too
        Host d (deadPort);
        d->setStateInformation (elsewhere.getData(), (int) elsewhere.getSize());
        const bool allBack = d.waitFor ([&]
        {
            for (int i : { 0, 2, 3 })
                if (d.pad (i).status != PadStatus::ready || ! d.pad (i).hasSound)
                    return false;
            return true;
        }, 10.0);
        d.waitFor ([] { return false; }, 0.05);
        d->setParameter (sp::keymap, 0);
        const float kickAlone = test::maxDifference (d.play ({ { 36, 127 } }, 1.2), kickOut);
        const float bellAlone = test::maxDifference (d.play ({ { 39, 127 } }, 1.2), bellOut);
        const auto importAlone = d.play ({ { 38, 127 } }, 0.5);
        // 24-bit FLAC: the daemon's 24-bit renders come back bit for bit, float ones within 2^-20
        r.check (allBack && ! d->getClient().getStatus().online && kickAlone < 1.0e-6f && bellAlone < 1.0e-6f
                     && test::peak (importAlone) > 1.0e-3f,
                 "restore with no daemon", "pads 0, 2, 3 " + describe (d.pad (0)) + " | " + describe (d.pad (2))
                     + " | " + describe (d.pad (3)) + "; differences " + juce::String (kickAlone) + ", "
                     + juce::String (bellAlone));

        // -- dragging pads out: the embedded sound as a WAV when the daemon's file is gone ----
        auto& dc = d->getClient();
        const auto dragged = dc.fileForDrag (0);
        const auto embedded = d.pad (0).audio;
        juce::AudioFormatManager formats;
        formats.registerBasicFormats();
        std::unique_ptr<juce::AudioFormatReader> wav (dragged.existsAsFile() ? formats.createReaderFor (dragged) : nullptr);
        std::unique_ptr<juce::AudioFormatReader> flac (
            embedded != nullptr ? formats.createReaderFor (std::make_unique<juce::MemoryInputStream> (*embedded, false)) : nullptr);
        float dragDiff = 1.0f;
        juce::int64 wavFrames = -1, flacFrames = -1;
        if (wav != nullptr && flac != nullptr)
        {
            wavFrames = wav->lengthInSamples;
            flacFrames = flac->lengthInSamples;
            const int n = (int) juce::jmin (wavFrames, flacFrames);
            juce::AudioBuffer<float> fromWav ((int) wav->numChannels, n), fromFlac ((int) flac->numChannels, n);
            wav->read (&fromWav, 0, n, 0, true, true);
            flac->read (&fromFlac, 0, n, 0, true, true);
            dragDiff = wav->numChannels == flac->numChannels && wav->sampleRate == flac->sampleRate
                           ? test::maxDifference (fromWav, fromFlac) : 1.0f;
        }
        const bool isWav = wav != nullptr && juce::String (wav->getFormatName()).containsIgnoreCase ("wav");
        r.check (dragged.existsAsFile() && isWav && dragged.isAChildOf (DaemonClient::draggedSoundsFolder())
                     && wavFrames == flacFrames && wavFrames > 0 && dragDiff < 1.0e-3f && dc.fileForDrag (0) == dragged,
                 "drag file from embedded sound",
                 dragged.getFullPathName() + ": " + juce::String (wavFrames) + " frames (embedded "
                     + juce::String (flacFrames) + "), max difference " + juce::String (dragDiff));
        wav.reset();
        dragged.deleteFile();  // the user's folder, not the test's

        const auto draggedEmpty = dc.fileForDrag (6), draggedNever = dc.fileForDrag (1);
        r.check (! draggedEmpty.exists() && ! draggedNever.exists() && draggedEmpty == juce::File(),
                 "drag file of an empty pad", "pads 6 and 1: '" + draggedEmpty.getFullPathName() + "', '"
                     + draggedNever.getFullPathName() + "'");

        const auto daemonFile = d.pad (2).path;
        r.check (juce::File (daemonFile).existsAsFile() && dc.fileForDrag (2).getFullPathName() == daemonFile,
                 "drag file is the daemon's file", "pad 2 " + dc.fileForDrag (2).getFullPathName());

        a.blocksProcessed += d.blocksProcessed;  // counted in the allocation check below
    }

    // -- banks: each instance its own; a copied one (b, restored from a's state) a copy ------
    {
        const auto bankA = a->getClient().getBank(), bankB = b->getClient().getBank();
        r.check (bankA.startsWith ("plugin-") && bankB == bankA + "-2", "own banks",
                 "instance " + bankA + ", its copy " + bankB);
    }

    // -- a render that finishes after the project was reloaded does not replace its pad -------
    {
        Host e (opt.port);
        juce::MemoryBlock fresh;
        e->getStateInformation (fresh);  // the project as saved: pad 9 empty, e's own bank
        e->setParameter (sp::keymap, 0);
        e->setParameter (sp::steps, 200);
        e->renderPad (9, "late snare");
        const bool started = e.waitFor ([&] { return e.pad (9).progress > 0.0f; }, opt.timeout);
        e->setStateInformation (fresh.getData(), (int) fresh.getSize());  // reloaded mid-render
        // The daemon's single worker finishes pad 9 before it renders pad 10.
        e->setParameter (sp::steps, 2);
        e->renderPad (10, "kick");
        const bool after = e.waitReady (10, opt.timeout);
        const auto p9 = e.pad (9);
        const auto late = e.play ({ { 45, 127 } }, 0.3);
        r.check (started && after && p9.status == PadStatus::empty && ! p9.hasSound && test::peak (late) == 0.0f,
                 "late reply dropped", "pad 9 " + describe (p9) + ", note 45 peak " + juce::String (test::peak (late)));
        a.blocksProcessed += e.blocksProcessed;
    }

    // -- the online indicator goes off without a daemon ---------------------------------------
    {
        juce::DatagramSocket nobody;
        nobody.bindToPort (0, "127.0.0.1");
        const int deadPort = nobody.getBoundPort();
        nobody.shutdown();
        Host c (deadPort);
        juce::Thread::sleep (DaemonClient::offlineAfterMs + 500);
        r.check (! c->getClient().getStatus().online && a->getClient().getStatus().online, "offline indicator",
                 "port " + juce::String (deadPort) + " offline, daemon port online");
    }

    // -- headless editor screenshot: every pad state at once -----------------------------------
    if (opt.screenshot.isNotEmpty())
    {
        a->setParameter (sp::keymap, 0);
        a->setParameter (sp::seed, -1);
        a->setParameter (sp::steps, 200);
        a->setParameter (sp::duration, 1.0f);
        a->renderPad (5, "glassy bell pluck, long tail");
        a.waitFor ([&] { return a.pad (5).progress >= 0.1f || a.pad (5).status != PadStatus::rendering; }, opt.timeout);
        a->setParameter (sp::steps, 12);
        a->setParameter (sp::pad, 3);

        std::unique_ptr<juce::AudioProcessorEditor> editor (a->createEditor());
        auto* shotEditor = dynamic_cast<ShotcallerEditor*> (editor.get());
        shotEditor->refresh();
        const auto image = editor->createComponentSnapshot (editor->getLocalBounds(), true, 1.0f);
        juce::File file (opt.screenshot);
        file.deleteFile();
        bool written = false;
        {
            juce::FileOutputStream stream (file);
            juce::PNGImageFormat png;
            written = stream.openedOk() && png.writeImageToStream (image, stream);
        }
        const bool rendering = a.pad (5).status == PadStatus::rendering;
        r.check (written && image.getWidth() == editor->getWidth() && image.getHeight() == editor->getHeight(),
                 "editor screenshot", file.getFullPathName() + " " + juce::String (image.getWidth()) + "x"
                                          + juce::String (image.getHeight()) + (rendering ? " (pad 5 rendering)" : ""));
        editor.reset();

        client.cancel (5);
        a.waitFor ([&] { return a.pad (5).status != PadStatus::rendering; }, opt.timeout);
        r.check (a.pad (5).status != PadStatus::rendering, "cancel", "pad 5 " + describe (a.pad (5)));
    }

    // -- the project state, for shotcaller_vst3_check to load into the built VST3 --------------
    if (opt.stateOut.isNotEmpty())
    {
        a->setParameter (sp::keymap, 0);
        juce::MemoryBlock state;
        a->getStateInformation (state);
        r.check (juce::File (opt.stateOut).replaceWithData (state.getData(), state.getSize()), "state written",
                 opt.stateOut + " (" + juce::String ((int) state.getSize()) + " bytes)");
    }

    // -- the pad grid: a click selects, a drag past a few pixels asks for the pad's file once --
    {
        PadGrid grid;
        grid.setBounds (0, 0, 400, 400);
        PadGrid::View view;
        view.pads[0].hasSound = true;  // pad 0: bottom left
        grid.setView (view);
        int selected = -1, asked = 0;
        grid.onSelect = [&] (int pad) { selected = pad; };
        grid.fileForDrag = [&] (int) { ++asked; return juce::File(); };  // none: no drag starts
        juce::Point<float> down;
        auto mouse = [&] (juce::Point<float> at, bool dragged)
        {
            return juce::MouseEvent (juce::Desktop::getInstance().getMainMouseSource(), at, juce::ModifierKeys::leftButtonModifier,
                                     1.0f, 0.0f, 0.0f, 0.0f, 0.0f, &grid, &grid, juce::Time::getCurrentTime(), down,
                                     juce::Time::getCurrentTime(), 1, dragged);
        };
        down = { 50.0f, 350.0f };
        grid.mouseDown (mouse (down, false));
        grid.mouseDrag (mouse ({ 53.0f, 351.0f }, true));
        const int afterShake = asked;
        grid.mouseDrag (mouse ({ 70.0f, 340.0f }, true));
        grid.mouseDrag (mouse ({ 90.0f, 330.0f }, true));
        const int afterDrag = asked;
        down = { 50.0f, 50.0f };
        grid.mouseDown (mouse (down, false));  // pad 12: empty
        grid.mouseDrag (mouse ({ 90.0f, 90.0f }, true));
        r.check (selected == 12 && afterShake == 0 && afterDrag == 1 && asked == 1
                     && grid.isInterestedInFileDrag ({ "/tmp/x.wav" }),
                 "pad drag gesture", "3 px: " + juce::String (afterShake) + " file asks, 40 px: " + juce::String (afterDrag)
                     + ", empty pad: " + juce::String (asked - afterDrag) + "; selected pad " + juce::String (selected));
    }

    // -- a stereo sound on a mono bus: both channels, not the left one alone -------------------
    {
        Sampler sampler;
        sampler.prepare (hostRate);
        auto stereo = std::make_unique<Sample>();
        stereo->audio.setSize (2, 4800);
        for (int i = 0; i < 4800; ++i)
        {
            stereo->audio.setSample (0, i, 0.5f);   // left
            stereo->audio.setSample (1, i, 0.25f);  // right
        }
        stereo->sampleRate = hostRate;
        sampler.install (0, stereo);
        juce::MidiBuffer note;
        juce::AudioBuffer<float> mono (1, 512), both (2, 512);
        sampler.render (mono, note, sp::Keymap::drums, 0);  // installs the sample
        note.addEvent (juce::MidiMessage::noteOn (1, sp::firstDrumNote, (juce::uint8) 127), 0);
        sampler.render (mono, note, sp::Keymap::drums, 0);
        note.clear();
        note.addEvent (juce::MidiMessage::allSoundOff (1), 0);
        sampler.render (both, note, sp::Keymap::drums, 0);
        note.clear();
        for (int i = 0; i < 100 && sampler.activeVoices() > 0; ++i)
            sampler.render (both, note, sp::Keymap::drums, 0);
        note.addEvent (juce::MidiMessage::noteOn (1, sp::firstDrumNote, (juce::uint8) 127), 0);
        sampler.render (both, note, sp::Keymap::drums, 0);
        const float m = mono.getSample (0, 100), l = both.getSample (0, 100), rr = both.getSample (1, 100);
        r.check (std::abs (m - 0.375f) < 1.0e-3f && std::abs (l - 0.5f) < 1.0e-3f && std::abs (rr - 0.25f) < 1.0e-3f,
                 "stereo sample on a mono bus", "mono " + juce::String (m, 4) + ", stereo " + juce::String (l, 4)
                     + " / " + juce::String (rr, 4));
        sampler.collectGarbage();
    }

    // -- pitching up an octave does not alias; what is below the new Nyquist keeps its level --
    {
        // A sine played an octave up (chromatic, two notes above its root by 12): 1 kHz comes
        // out at 2 kHz at full level; 15 kHz would be 30 kHz, above the host's Nyquist, and
        // must come out as (nearly) nothing rather than folded back to 14.1 kHz.
        auto upOctave = [] (double freq)
        {
            Sampler sampler;
            sampler.prepare (hostRate);
            auto sine = std::make_unique<Sample>();
            sine->audio.setSize (1, (int) hostRate);
            for (int i = 0; i < (int) hostRate; ++i)
                sine->audio.setSample (0, i, 0.5f * (float) std::sin (2.0 * juce::MathConstants<double>::pi * freq * i / hostRate));
            sine->sampleRate = hostRate;
            sine->rootNote = 60.0f;
            sine->prepareOctaves();
            sampler.install (0, sine);
            juce::MidiBuffer midi;
            juce::AudioBuffer<float> out (2, 8192);
            sampler.render (out, midi, sp::Keymap::chromatic, 0);  // installs the sample
            midi.addEvent (juce::MidiMessage::noteOn (1, 72, (juce::uint8) 127), 0);
            sampler.render (out, midi, sp::Keymap::chromatic, 0);
            midi.clear();
            juce::AudioBuffer<float> steady (1, 4096);
            steady.copyFrom (0, 0, out, 0, 2048, 4096);  // past the filter's start-up
            sampler.render (out, midi, sp::Keymap::chromatic, 0);
            sampler.collectGarbage();
            return std::make_pair (test::rms (steady), test::estimateFrequency (steady.getReadPointer (0), 4096, hostRate));
        };
        const auto [lowRms, lowFreq] = upOctave (1000.0);
        const auto [highRms, highFreq] = upOctave (15000.0);
        const double full = 0.5 / std::sqrt (2.0);
        r.check (std::abs (lowRms / full - 1.0) < 0.05 && std::abs (test::cents (lowFreq, 2000.0)) < 10.0
                     && highRms < 0.01 * full,
                 "pitch up without aliasing", "1 kHz up an octave: rms " + juce::String (lowRms / full, 3) + " of full at "
                     + juce::String (lowFreq, 1) + " Hz; 15 kHz up an octave: rms " + juce::String (highRms / full, 4)
                     + " of full (folded back it would be 1.0)");
    }

    // -- the audio thread never allocated or freed ---------------------------------------------
    const int blocks = a.blocksProcessed + b.blocksProcessed;
    r.check (audioAllocations.load() == 0 && audioFrees.load() == 0, "no allocation on the audio thread",
             juce::String (audioAllocations.load()) + " allocations, " + juce::String (audioFrees.load())
                 + " frees in " + juce::String (blocks) + " processBlock calls");

    std::cout << "SUMMARY passed=" << r.passed << " failed=" << r.failed << std::endl;
    return r.failed == 0 ? 0 : 1;
}
//==============================================================================
int runPresetTests (const Options& opt)
{
    Report r;
    Host a (opt.port);
    auto& client = a->getClient();

    const bool online = a.waitOnline (opt.timeout);
    r.check (online, "online", "pong from " + client.getStatus().model);
    if (! online)
        return 1;

    // Asked by the client itself once the daemon is online (its bank open).
    const bool listed = a.waitFor ([&] { return client.getPresets().contains (opt.preset); }, 30.0);
    r.check (listed, "preset listed", "'" + opt.preset + "' in [" + client.getPresets().joinIntoString (", ") + "]");

    const int listings = client.getPresetListCount();
    client.refreshPresets();
    const bool refreshed = a.waitFor ([&] { return client.getPresetListCount() > listings; }, 30.0);
    r.check (refreshed && client.getPresets().contains (opt.preset), "preset list refresh",
             juce::String (client.getPresetListCount() - listings) + " new listing(s) of "
                 + juce::String (client.getPresets().size()) + " kits");

    juce::Array<int> expected;
    for (const auto& token : juce::StringArray::fromTokens (opt.presetPads, ",", ""))
        expected.add (token.trim().getIntValue());

    client.loadPreset (opt.preset);
    bool sawRendering = false;
    const bool filled = a.waitFor ([&]
    {
        bool all = true;
        for (int i : expected)
        {
            const auto p = a.pad (i);
            sawRendering = sawRendering || p.status == PadStatus::rendering;
            all = all && p.status == PadStatus::ready && p.hasSound && p.prompt.isNotEmpty();
        }
        return all && ! expected.isEmpty();
    }, opt.timeout);
    a.waitFor ([] { return false; }, 0.3);  // the sounds installed; any stray reply in

    const auto status = client.getStatus();
    r.check (status.kit == opt.preset && status.kitSlots == expected.size(), "preset loaded",
             "kit '" + status.kit + "', " + juce::String (status.kitSlots) + " slots (expected "
                 + juce::String (expected.size()) + ")");

    juce::String detail;
    bool filesThere = true;
    for (int i : expected)
    {
        const auto p = a.pad (i);
        filesThere = filesThere && juce::File (p.path).existsAsFile();
        detail << "pad " << i << " prompt='" << p.prompt << "' steps=" << p.settings.steps << " seed="
               << p.settings.seed << "; ";
    }
    r.check (filled && sawRendering && filesThere, "preset pads ready", detail);

    juce::String others;
    bool othersEmpty = true;
    for (int i = 0; i < sp::numPads; ++i)
        if (! expected.contains (i))
        {
            const auto p = a.pad (i);
            if (p.status != PadStatus::empty || p.hasSound || p.prompt.isNotEmpty())
            {
                othersEmpty = false;
                others << "pad " << i << " " << describe (p) << "; ";
            }
        }
    r.check (othersEmpty, "preset leaves other pads", others.isEmpty() ? juce::String ("all empty") : others);

    a->setParameter (sp::keymap, 0);
    juce::String peaks;
    bool allSound = true;
    for (int i : expected)
    {
        const float peak = test::peak (a.play ({ { sp::firstDrumNote + i, 127 } }, 0.3));
        allSound = allSound && peak > 1.0e-4f;
        peaks << "pad " << i << " peak " << juce::String (peak, 4) << "; ";
    }
    r.check (allSound, "preset pads play", peaks);

    // Dragging a kit pad out hands the daemon's file over as it is, marked taken.
    const auto dragged = client.fileForDrag (expected.getFirst());
    a.waitFor ([] { return false; }, 1.0);
    r.check (dragged.getFullPathName() == a.pad (expected.getFirst()).path && client.getStatus().lastError.isEmpty(),
             "drag file of a daemon pad", dragged.getFullPathName() + ", last error '" + client.getStatus().lastError + "'");

    client.loadPreset ("no-such-kit");
    const bool refused = a.waitFor ([&] { return client.getStatus().lastError.startsWith ("/shot/preset/load"); }, 30.0);
    bool unchanged = true;
    for (int i : expected)
        unchanged = unchanged && a.pad (i).status == PadStatus::ready;
    r.check (refused && unchanged, "preset error shown", "'" + client.getStatus().lastError + "'");

    r.check (audioAllocations.load() == 0 && audioFrees.load() == 0, "no allocation on the audio thread",
             juce::String (audioAllocations.load()) + " allocations, " + juce::String (audioFrees.load())
                 + " frees in " + juce::String (a.blocksProcessed) + " processBlock calls");

    std::cout << "SUMMARY passed=" << r.passed << " failed=" << r.failed << std::endl;
    return r.failed == 0 ? 0 : 1;
}

//==============================================================================
/** The length a pad's sound plays for, in seconds (`out` starts at its note-on). */
double playedSeconds (const juce::AudioBuffer<float>& out)
{
    return (test::lastAbove (out, 0.0f) + 1) / hostRate;
}

int runSoundOpsTests (const Options& opt)
{
    Report r;
    Host a (opt.port);
    auto& client = a->getClient();

    const bool online = a.waitOnline (opt.timeout);
    r.check (online, "online", "pong from " + client.getStatus().model);
    if (! online)
        return 1;

    // -- a sound to start from -----------------------------------------------------------------
    a->setParameter (sp::keymap, 0);
    a->setParameter (sp::steps, 4);
    a->setParameter (sp::seed, 21);
    a->setParameter (sp::duration, 1.0f);
    a->setParameter (sp::strength, 0.5f);  // how far a variation or restyle moves
    a->renderPad (0, "kick drum");
    const bool rendered = a.waitReady (0, opt.timeout);
    const auto source = a.pad (0);
    const auto sourceOut = a.play ({ { sp::firstDrumNote, 127 } }, 1.5);
    r.check (rendered && source.hasSound && test::peak (sourceOut) > 1.0e-4f, "source render", "pad 0 " + describe (source));
    if (! rendered)
        return 1;

    // -- the editor's own controls -------------------------------------------------------------
    using Ids = ShotcallerEditor::ids;
    std::unique_ptr<juce::AudioProcessorEditor> editor (a->createEditor());
    auto& e = dynamic_cast<ShotcallerEditor&> (*editor);
    auto* vary = dynamic_cast<juce::Button*> (e.findChildWithID (Ids::vary));
    auto* restyle = dynamic_cast<juce::Button*> (e.findChildWithID (Ids::restyle));
    auto* restyleText = dynamic_cast<juce::TextEditor*> (e.findChildWithID (Ids::restyleText));
    auto* morph = dynamic_cast<juce::Slider*> (e.findChildWithID (Ids::morph));
    auto* with = dynamic_cast<juce::ComboBox*> (e.findChildWithID (Ids::morphWith));
    auto* into = dynamic_cast<juce::ComboBox*> (e.findChildWithID (Ids::morphInto));
    auto* status = dynamic_cast<juce::Label*> (e.findChildWithID (Ids::status));
    juce::String missing;
    for (auto [c, id] : { std::pair<juce::Component*, const char*> { vary, Ids::vary }, { restyle, Ids::restyle },
                          { restyleText, Ids::restyleText }, { morph, Ids::morph }, { with, Ids::morphWith },
                          { into, Ids::morphInto }, { status, Ids::status } })
        if (c == nullptr || ! c->isVisible() || c->getBounds().isEmpty()
            || ! e.getLocalBounds().contains (c->getBounds()))
            missing << id << " ";
    r.check (missing.isEmpty(), "editor controls", missing.isEmpty() ? juce::String ("all shown") : "not shown: " + missing);
    if (missing.isNotEmpty())
        return 1;

    // The buttons' and the knob's own callbacks: what a click and a release run.
    auto press = [&] (juce::Button* b) { b->onClick(); };
    auto release = [&] (double t) { morph->setValue (t, juce::dontSendNotification); morph->onDragEnd(); };
    auto select = [&] (int pad) { a->setParameter (sp::pad, (float) pad); e.refresh(); };
    auto statusText = [&] { e.refresh(); return status->getText(); };
    // A command that went out would be answered (an error, a progress) within this.
    auto nothingSent = [&] (const juce::String& before)
    {
        a.waitFor ([] { return false; }, 1.5);
        bool idle = client.getStatus().lastError.isEmpty() && a.pad (0).path == before;
        for (int i = 1; i < sp::numPads; ++i)
            idle = idle && a.pad (i).status == PadStatus::empty;
        return idle;
    };

    // -- refusals: said in the status line, nothing sent --------------------------------------
    select (5);
    press (vary);
    const auto noSound = statusText();
    r.check (noSound.contains ("pad 5 has no sound to vary") && nothingSent (source.path), "vary refused on an empty pad",
             "'" + noSound + "', last error '" + client.getStatus().lastError + "'");
    select (0);
    restyleText->setText ("   ", false);
    press (restyle);
    const auto blank = statusText();
    r.check (blank.contains ("type how to restyle pad 0") && nothingSent (source.path), "restyle refuses blank text",
             "'" + blank + "'");
    with->setSelectedId (0 + 1, juce::dontSendNotification);
    release (0.5);
    const auto itself = statusText();
    with->setSelectedId (7 + 1, juce::dontSendNotification);
    release (0.5);
    const auto emptyWith = statusText();
    r.check (itself.contains ("pad 0 cannot morph with itself") && emptyWith.contains ("pad 7 has no sound to morph")
                 && nothingSent (source.path),
             "morph refusals", "a == b: '" + itself + "'; b empty: '" + emptyWith + "'");

    // -- Vary: a new sound near pad 0's --------------------------------------------------------
    float maxProgress = 0.0f;
    auto waitNewSound = [&] (int pad, const juce::String& oldPath)
    {
        maxProgress = 0.0f;
        const bool done = a.waitFor ([&]
        {
            const auto p = a.pad (pad);
            if (p.status == PadStatus::rendering)
                maxProgress = juce::jmax (maxProgress, p.progress);
            return p.status == PadStatus::error || (p.status == PadStatus::ready && p.path != oldPath);
        }, opt.timeout);
        a.waitFor ([] { return false; }, 0.05);  // installed
        return done && a.pad (pad).status == PadStatus::ready;
    };
    auto sameAudio = [] (const PadInfo& x, const PadInfo& y)
    {
        return x.audio != nullptr && y.audio != nullptr && *x.audio == *y.audio;
    };
    auto plausible = [] (const PadInfo& p, const juce::AudioBuffer<float>& out, double longest)
    {
        // The whole sound plays: at most its length, and no more than 50 ms short of it (a morph's
        // decay faded toward a short endpoint's reaches the file's zero in its last milliseconds).
        const double played = playedSeconds (out);
        return p.seconds >= 0.05f && p.seconds <= longest + 0.05 && played < p.seconds + 0.02
            && played > p.seconds - 0.05 && test::peak (out) > 1.0e-4f;
    };

    select (0);
    press (vary);
    const bool varied = waitNewSound (0, source.path);
    const auto v = a.pad (0);
    const auto variedOut = a.play ({ { sp::firstDrumNote, 127 } }, 1.5);
    const float variedDiff = test::maxDifference (variedOut, sourceOut);
    r.check (varied && juce::File (v.path).existsAsFile() && v.prompt == "kick drum" && v.madeBy == "varied"
                 && v.settings.seed != source.settings.seed && ! sameAudio (v, source) && variedDiff > 1.0e-3f
                 && plausible (v, variedOut, source.seconds) && statusText().contains ("varied"),
             "vary", "pad 0 " + describe (v) + " " + juce::String (v.seconds, 3) + " s (source "
                 + juce::String (source.seconds, 3) + " s, seed " + juce::String (source.settings.seed) + "), played "
                 + juce::String (playedSeconds (variedOut), 3) + " s, max difference from the source "
                 + juce::String (variedDiff, 4) + ", progress up to " + juce::String (maxProgress, 2));

    // -- Restyle: pad 0's sound moved toward "darker" ------------------------------------------
    restyleText->setText ("darker", false);
    press (restyle);
    const bool restyled = waitNewSound (0, v.path);
    const auto s = a.pad (0);
    const auto restyledOut = a.play ({ { sp::firstDrumNote, 127 } }, 1.5);
    const float restyledDiff = test::maxDifference (restyledOut, variedOut);
    r.check (restyled && juce::File (s.path).existsAsFile() && s.prompt == "kick drum" && s.madeBy == "restyled: darker"
                 && ! sameAudio (s, v) && restyledDiff > 1.0e-3f && plausible (s, restyledOut, v.seconds),
             "restyle", "pad 0 " + describe (s) + " " + juce::String (s.seconds, 3) + " s, played "
                 + juce::String (playedSeconds (restyledOut), 3) + " s, max difference from the variation "
                 + juce::String (restyledDiff, 4));

    // -- Morph: halfway from pad 0's sound to pad 1's, into the first empty pad (2) -------------
    a->renderPad (1, "snare drum");
    const bool second = a.waitReady (1, opt.timeout);
    const auto b1 = a.pad (1);
    select (0);
    with->setSelectedId (1 + 1, juce::dontSendNotification);
    into->setSelectedId (1, juce::dontSendNotification);
    e.refresh();
    const auto autoText = into->getText();
    release (0.5);
    const bool morphed = waitNewSound (2, {});
    const auto m = a.pad (2);
    const auto morphedOut = a.play ({ { sp::firstDrumNote + 2, 127 } }, 1.5);
    r.check (second && morphed && autoText == "auto: 2" && juce::File (m.path).existsAsFile()
                 && m.madeBy == "morph of pads 0 and 1 at 0.50" && m.settings.seed == -1
                 && plausible (m, morphedOut, juce::jmax (s.seconds, b1.seconds))
                 && a.pad (0).path == s.path && a.pad (1).path == b1.path && into->getSelectedId() == 2 + 2,
             "morph", "into '" + autoText + "': pad 2 " + describe (m) + " " + juce::String (m.seconds, 3) + " s, played "
                 + juce::String (playedSeconds (morphedOut), 3) + " s; 'into' now '" + into->getText() + "'");

    // Released again at another amount: the same pad's morph is replaced, no new pad filled.
    release (0.25);
    const bool again = waitNewSound (2, m.path);
    r.check (again && a.pad (2).madeBy == "morph of pads 0 and 1 at 0.25" && a.pad (3).status == PadStatus::empty,
             "morph again into the same pad", "pad 2 " + describe (a.pad (2)) + " | pad 3 " + describe (a.pad (3)));

    // The morph's amount and pads are the project's: back in a reopened editor, and (below) in
    // the project reloaded into another instance.
    auto morphControls = [] (juce::AudioProcessorEditor& ed)
    {
        auto& x = dynamic_cast<ShotcallerEditor&> (ed);
        return juce::String (dynamic_cast<juce::Slider*> (x.findChildWithID (Ids::morph))->getValue(), 2) + " with "
            + juce::String (dynamic_cast<juce::ComboBox*> (x.findChildWithID (Ids::morphWith))->getSelectedId())
            + " into " + juce::String (dynamic_cast<juce::ComboBox*> (x.findChildWithID (Ids::morphInto))->getSelectedId());
    };
    const juce::String morphSaved = "0.25 with 2 into 4";  // item ids: with pad 1, into pad 2
    juce::MemoryBlock project;
    a->getStateInformation (project);
    editor.reset();
    std::unique_ptr<juce::AudioProcessorEditor> reopened (a->createEditor());
    const auto reopenedControls = morphControls (*reopened);
    reopened.reset();
    r.check (reopenedControls == morphSaved, "morph settings kept by a reopened editor",
             "'" + reopenedControls + "', expected '" + morphSaved + "'");

    // -- the daemon's refusals land on the pad that waited -------------------------------------
    // A project reopened against another bank: the pads play their embedded sounds, but the
    // daemon's slots have none to vary or morph.
    Host b (opt.port);
    {
        std::array<PadInfo, sp::numPads> saved {};
        saved[0] = a.pad (0);
        saved[1] = a.pad (1);
        b->getClient().restorePads (saved);
    }
    auto& bc = b->getClient();
    const bool restored = b.waitFor ([&] { return bc.getStatus().online && b.pad (0).hasSound && b.pad (1).hasSound; },
                                     opt.timeout);
    std::unique_ptr<juce::AudioProcessorEditor> editorB (b->createEditor());
    auto& eb = dynamic_cast<ShotcallerEditor&> (*editorB);
    b->setParameter (sp::pad, 0);
    eb.refresh();
    dynamic_cast<juce::Button*> (eb.findChildWithID (Ids::vary))->onClick();
    b.waitFor ([&] { return b.pad (0).status == PadStatus::error; }, 30.0);
    eb.refresh();
    const auto bStatus = dynamic_cast<juce::Label*> (eb.findChildWithID (Ids::status))->getText();
    const auto bp0 = b.pad (0);
    r.check (restored && bp0.status == PadStatus::error && bp0.error.contains ("slot 0 has no sound to vary")
                 && bp0.hasSound && bStatus.contains ("no sound to vary"),
             "daemon error on the varied pad", "pad 0 " + describe (bp0) + "; status '" + bStatus + "'");

    dynamic_cast<juce::ComboBox*> (eb.findChildWithID (Ids::morphWith))->setSelectedId (1 + 1, juce::dontSendNotification);
    dynamic_cast<juce::Slider*> (eb.findChildWithID (Ids::morph))->onDragEnd();
    b.waitFor ([&] { return b.pad (2).status == PadStatus::error; }, 30.0);
    const auto bp2 = b.pad (2);
    r.check (bp2.status == PadStatus::error && bp2.error.contains ("no sound to morph") && ! bp2.hasSound
                 && b.pad (1).status == PadStatus::ready,
             "daemon error on the morph's pad", "pad 2 " + describe (bp2) + " | pad 1 " + describe (b.pad (1)));
    editorB.reset();

    b->setStateInformation (project.getData(), (int) project.getSize());
    std::unique_ptr<juce::AudioProcessorEditor> reloaded (b->createEditor());
    const auto reloadedControls = morphControls (*reloaded);
    reloaded.reset();
    r.check (reloadedControls == morphSaved, "morph settings saved with the project",
             "'" + reloadedControls + "', expected '" + morphSaved + "'");

    r.check (audioAllocations.load() == 0 && audioFrees.load() == 0, "no allocation on the audio thread",
             juce::String (audioAllocations.load()) + " allocations, " + juce::String (audioFrees.load())
                 + " frees in " + juce::String (a.blocksProcessed + b.blocksProcessed) + " processBlock calls");
    std::cout << "SUMMARY passed=" << r.passed << " failed=" << r.failed << std::endl;
    return r.failed == 0 ? 0 : 1;
}
} // namespace

int main (int argc, char* argv[])
{
    juce::StringArray args;
    for (int i = 1; i < argc; ++i)
        args.add (juce::String::fromUTF8 (argv[i]));

    const auto options = parse (args);
    const bool presetMode = options.preset.isNotEmpty();
    if (options.port <= 0 || (options.importFile.isEmpty() && ! presetMode && ! options.soundOps)
        || (presetMode && options.presetPads.isEmpty()) || (presetMode && options.soundOps))
    {
        std::cerr << "usage: shotcaller_plugin_test --port N --import-file PATH [--model NAME] "
                     "[--screenshot OUT.png] [--state-out FILE] [--timeout S]\n"
                     "       shotcaller_plugin_test --port N --preset NAME --preset-pads P,Q,... [--timeout S]\n"
                     "       shotcaller_plugin_test --port N --sound-ops [--timeout S]"
                  << std::endl;
        return 2;
    }

    // Components need a MessageManager; nothing here needs an X display.
    const juce::ScopedJuceInitialiser_GUI gui;
    if (options.soundOps)
        return runSoundOpsTests (options);
    return presetMode ? runPresetTests (options) : runTests (options);
}
