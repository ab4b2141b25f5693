/* asan.h — defines TRC_ASAN when AddressSanitizer is on (gcc says so with
 * __SANITIZE_ADDRESS__, clang with __has_feature), decided in one place for the runtime:
 * stacks and context switches must then be announced to it.  Internal to tracer/. */
#ifndef BATON_TRACER_ASAN_H
#define BATON_TRACER_ASAN_H

#if defined(__SANITIZE_ADDRESS__)
#define TRC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TRC_ASAN 1
#endif
#endif

#endif
