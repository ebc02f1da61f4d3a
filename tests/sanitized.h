// PICKLEJAR_TEST_SANITIZED: 1 in an ASan or TSan build of the tests. What such builds measure
// differently (CPU-time shares, peak memory with ASan's quarantine of freed blocks) is checked
// against its uninstrumented bound only without them.
#pragma once

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define PICKLEJAR_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define PICKLEJAR_TEST_SANITIZED 1
#endif
#endif
#ifndef PICKLEJAR_TEST_SANITIZED
#define PICKLEJAR_TEST_SANITIZED 0
#endif
