// Loads the built Shotcaller.vst3 the way a VST3 host does, without JUCE on this side: dlopen,
// ModuleEntry, GetPluginFactory, the instrument class, IComponent + IAudioProcessor, the
// project state through IComponent::setState, and note-ons through process().
//
//   shotcaller_vst3_check --plugin build/.../Shotcaller.vst3 [--state state.bin]
//                         [--note 36 --note 39 ...] [--silent-note 37 ...] [--timeout 120]
//
// With a state (written by shotcaller_plugin_test --state-out) each --note must become audible
// within the timeout: the pad's sound is loaded from its file or, if the daemon has deleted it,
// rendered again through the daemon; each --silent-note (an empty pad) must stay silent.
// Prints PASS/FAIL lines like the test program (Linux only).

#define INIT_CLASS_IID  // this file defines the interface IDs it uses

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "pluginterfaces/base/funknown.h"
#include "pluginterfaces/base/ibstream.h"
#include "pluginterfaces/base/ipluginbase.h"
#include "pluginterfaces/vst/ivstaudioprocessor.h"
#include "pluginterfaces/vst/ivstcomponent.h"
#include "pluginterfaces/vst/ivstevents.h"

using namespace Steinberg;
using namespace Steinberg::Vst;

namespace
{
int passed = 0, failed = 0;

bool check (bool ok, const std::string& name, const std::string& detail)
{
    std::cout << (ok ? "PASS " : "FAIL ") << name << ": " << detail << std::endl;
    (ok ? passed : failed)++;
    return ok;
}

// The host's side of the interfaces the plugin calls back: a state stream and an event list.
// Both live on the stack for the duration of a call, so reference counting is a formality.
class MemoryStream final : public IBStream, public ISizeableStream
{
public:
    explicit MemoryStream (std::vector<char> bytes) : data (std::move (bytes)) {}

    tresult PLUGIN_API queryInterface (const TUID iid, void** obj) override
    {
        if (FUnknownPrivate::iidEqual (iid, IBStream::iid) || FUnknownPrivate::iidEqual (iid, FUnknown::iid))
            *obj = static_cast<IBStream*> (this);
        else if (FUnknownPrivate::iidEqual (iid, ISizeableStream::iid))
            *obj = static_cast<ISizeableStream*> (this);
        else
            return (*obj = nullptr), kNoInterface;
        return kResultOk;
    }
    uint32 PLUGIN_API addRef() override { return 1; }
    uint32 PLUGIN_API release() override { return 1; }

    tresult PLUGIN_API read (void* buffer, int32 numBytes, int32* numBytesRead) override
    {
        const auto n = (int32) std::min<int64> (numBytes, (int64) data.size() - position);
        std::memcpy (buffer, data.data() + position, (size_t) std::max (0, n));
        position += std::max (0, n);
        if (numBytesRead != nullptr)
            *numBytesRead = std::max (0, n);
        return kResultOk;
    }
    tresult PLUGIN_API write (void*, int32, int32*) override { return kNotImplemented; }
    tresult PLUGIN_API seek (int64 pos, int32 mode, int64* result) override
    {
        const int64 base = mode == kIBSeekSet ? 0 : mode == kIBSeekCur ? position : (int64) data.size();
        position = std::clamp<int64> (base + pos, 0, (int64) data.size());
        if (result != nullptr)
            *result = position;
        return kResultTrue;
    }
    tresult PLUGIN_API tell (int64* pos) override { return pos != nullptr ? (*pos = position, kResultOk) : kInvalidArgument; }
    tresult PLUGIN_API getStreamSize (int64& size) override { return (size = (int64) data.size()), kResultOk; }
    tresult PLUGIN_API setStreamSize (int64) override { return kNotImplemented; }

private:
    std::vector<char> data;
    int64 position = 0;
};

class EventList final : public IEventList
{
public:
    tresult PLUGIN_API queryInterface (const TUID iid, void** obj) override
    {
        if (FUnknownPrivate::iidEqual (iid, IEventList::iid) || FUnknownPrivate::iidEqual (iid, FUnknown::iid))
            return (*obj = this), kResultOk;
        return (*obj = nullptr), kNoInterface;
    }
    uint32 PLUGIN_API addRef() override { return 1; }
    uint32 PLUGIN_API release() override { return 1; }

    int32 PLUGIN_API getEventCount() override { return (int32) events.size(); }
    tresult PLUGIN_API getEvent (int32 index, Event& e) override
    {
        if (index < 0 || index >= (int32) events.size())
            return kInvalidArgument;
        e = events[(size_t) index];
        return kResultOk;
    }
    tresult PLUGIN_API addEvent (Event& e) override { events.push_back (e); return kResultOk; }

    void noteOn (int16 pitch, float velocity)
    {
        Event e {};
        e.type = Event::kNoteOnEvent;
        e.noteOn.channel = 0;
        e.noteOn.pitch = pitch;
        e.noteOn.velocity = velocity;
        e.noteOn.noteId = -1;
        events.push_back (e);
    }
    void clear() { events.clear(); }

private:
    std::vector<Event> events;
};

std::string option (int argc, char* argv[], const std::string& name, const std::string& fallback = {})
{
    for (int i = 1; i + 1 < argc; ++i)
        if (name == argv[i])
            return argv[i + 1];
    return fallback;
}

std::vector<int> notes (int argc, char* argv[], const std::string& name)
{
    std::vector<int> out;
    for (int i = 1; i + 1 < argc; ++i)
        if (name == argv[i])
            out.push_back (std::stoi (argv[i + 1]));
    return out;
}
} // namespace

int main (int argc, char* argv[])
{
    const auto bundle = option (argc, argv, "--plugin");
    const auto statePath = option (argc, argv, "--state");
    const double timeout = std::stod (option (argc, argv, "--timeout", "120"));
    if (bundle.empty())
    {
        std::cerr << "usage: shotcaller_vst3_check --plugin Shotcaller.vst3 [--state FILE] [--note N ...] "
                     "[--silent-note N ...] [--timeout S]"
                  << std::endl;
        return 2;
    }

    // 1. The module, as a Linux VST3 host opens it.
    const auto library = bundle + "/Contents/x86_64-linux/Shotcaller.so";
    void* module = dlopen (library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (! check (module != nullptr, "vst3 module", module != nullptr ? library : std::string (dlerror())))
        return 1;

    using EntryFn = bool (*) (void*);
    using ExitFn = bool (*)();
    auto entry = reinterpret_cast<EntryFn> (dlsym (module, "ModuleEntry"));
    auto exit = reinterpret_cast<ExitFn> (dlsym (module, "ModuleExit"));
    auto getFactory = reinterpret_cast<GetFactoryProc> (dlsym (module, "GetPluginFactory"));
    if (! check (entry != nullptr && exit != nullptr && getFactory != nullptr && entry (module), "vst3 entry points",
                 "ModuleEntry, ModuleExit, GetPluginFactory"))
        return 1;

    // 2. The instrument class.
    IPluginFactory* factory = getFactory();
    PFactoryInfo factoryInfo {};
    factory->getFactoryInfo (&factoryInfo);
    TUID cid {};
    std::string className, subCategories;
    IPluginFactory2* factory2 = nullptr;
    factory->queryInterface (IPluginFactory2::iid, (void**) &factory2);

    for (int32 i = 0; i < factory->countClasses(); ++i)
    {
        PClassInfo info {};
        factory->getClassInfo (i, &info);
        if (std::strcmp (info.category, kVstAudioEffectClass) != 0)
            continue;
        std::memcpy (cid, info.cid, sizeof (TUID));
        className = info.name;
        if (factory2 != nullptr)
        {
            PClassInfo2 info2 {};
            factory2->getClassInfo2 (i, &info2);
            subCategories = info2.subCategories;
        }
    }
    check (className == "Shotcaller" && subCategories.find ("Instrument") != std::string::npos, "vst3 class",
           "'" + className + "' by '" + factoryInfo.vendor + "', subcategories '" + subCategories + "'");

    // 3. An instance with one stereo output and one event input.
    IComponent* component = nullptr;
    factory->createInstance (cid, IComponent::iid, (void**) &component);
    if (! check (component != nullptr && component->initialize (nullptr) == kResultOk, "vst3 instance", "IComponent initialised"))
        return 1;

    BusInfo out {};
    component->getBusInfo (kAudio, kOutput, 0, out);
    check (component->getBusCount (kAudio, kInput) == 0 && component->getBusCount (kAudio, kOutput) == 1
               && out.channelCount == 2 && component->getBusCount (kEvent, kInput) == 1,
           "vst3 buses", "audio out " + std::to_string (component->getBusCount (kAudio, kOutput)) + " x "
                             + std::to_string (out.channelCount) + " ch, event in "
                             + std::to_string (component->getBusCount (kEvent, kInput)));

    IAudioProcessor* processor = nullptr;
    component->queryInterface (IAudioProcessor::iid, (void**) &processor);
    if (! check (processor != nullptr, "vst3 audio processor", "IAudioProcessor"))
        return 1;

    if (! statePath.empty())
    {
        std::ifstream file (statePath, std::ios::binary);
        std::vector<char> bytes ((std::istreambuf_iterator<char> (file)), std::istreambuf_iterator<char>());
        MemoryStream stream (bytes);
        check (! bytes.empty() && component->setState (&stream) == kResultTrue, "vst3 set state",
               std::to_string (bytes.size()) + " bytes from " + statePath);
    }

    constexpr int blockSize = 512;
    constexpr double sampleRate = 44100.0;
    ProcessSetup setup { kRealtime, kSample32, blockSize, sampleRate };
    processor->setupProcessing (setup);
    component->activateBus (kAudio, kOutput, 0, true);
    component->activateBus (kEvent, kInput, 0, true);
    component->setActive (true);
    processor->setProcessing (true);

    std::vector<float> left (blockSize), right (blockSize);
    float* channels[] = { left.data(), right.data() };
    AudioBusBuffers outputs {};
    outputs.numChannels = 2;
    outputs.channelBuffers32 = channels;
    EventList events;
    ProcessData data {};
    data.processMode = kRealtime;
    data.symbolicSampleSize = kSample32;
    data.numSamples = blockSize;
    data.numOutputs = 1;
    data.outputs = &outputs;
    data.inputEvents = &events;

    // One block; the peak of its output.
    auto processBlock = [&]
    {
        std::fill (left.begin(), left.end(), 0.0f);
        std::fill (right.begin(), right.end(), 0.0f);
        processor->process (data);
        events.clear();
        float peak = 0.0f;
        for (int i = 0; i < blockSize; ++i)
            peak = std::max ({ peak, std::abs (left[(size_t) i]), std::abs (right[(size_t) i]) });
        return peak;
    };

    float idlePeak = 0.0f;
    for (int i = 0; i < 20; ++i)
        idlePeak = std::max (idlePeak, processBlock());
    check (idlePeak == 0.0f, "vst3 silent without notes", "peak " + std::to_string (idlePeak));

    // 4. Each note, again every 100 ms, until it sounds (its pad may still be loading).
    for (int note : notes (argc, argv, "--note"))
    {
        const auto start = std::chrono::steady_clock::now();
        float peak = 0.0f;
        double waited = 0.0;
        while (peak == 0.0f && waited < timeout)
        {
            events.noteOn ((int16) note, 1.0f);
            for (int i = 0; i < 10 && peak == 0.0f; ++i)
                peak = std::max (peak, processBlock());
            std::this_thread::sleep_for (std::chrono::milliseconds (100));
            waited = std::chrono::duration<double> (std::chrono::steady_clock::now() - start).count();
        }
        for (int i = 0; i < 400; ++i)  // let it ring out before the next note
            processBlock();
        check (peak > 1.0e-3f, "vst3 note " + std::to_string (note),
               "peak " + std::to_string (peak) + " after " + std::to_string (waited) + " s");
    }

    // 5. Notes on pads without a sound stay silent.
    for (int note : notes (argc, argv, "--silent-note"))
    {
        events.noteOn ((int16) note, 1.0f);
        float peak = 0.0f;
        for (int i = 0; i < 100; ++i)
            peak = std::max (peak, processBlock());
        check (peak == 0.0f, "vst3 silent note " + std::to_string (note), "peak " + std::to_string (peak));
    }

    processor->setProcessing (false);
    component->setActive (false);
    processor->release();
    component->terminate();
    component->release();
    if (factory2 != nullptr)
        factory2->release();
    factory->release();
    exit();
    dlclose (module);

    std::cout << "SUMMARY passed=" << passed << " failed=" << failed << std::endl;
    return failed == 0 ? 0 : 1;
}
