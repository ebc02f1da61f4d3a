// Symbol visibility for the picklejar shared library. The library is built with hidden
// visibility; only declarations marked PICKLEJAR_EXPORT are part of its ABI.
#pragma once

#if defined(PICKLEJAR_STATIC)
#define PICKLEJAR_EXPORT
#elif defined(_WIN32)
#if defined(PICKLEJAR_BUILDING)
#define PICKLEJAR_EXPORT __declspec(dllexport)
#else
#define PICKLEJAR_EXPORT __declspec(dllimport)
#endif
#else
#define PICKLEJAR_EXPORT __attribute__((visibility("default")))
#endif
