/* baton.h — libbaton, the CSP channel runtime: lightweight processes that talk only over
 * channels, with alt, close, timeouts and a trace of every completed rendezvous.
 * This header is the whole public API; nothing outside it is promised. */
#ifndef BATON_H
#define BATON_H

#ifdef __cplusplus
extern "C" {
#endif

#define BATON_VERSION_MAJOR 0
#define BATON_VERSION_MINOR 1
#define BATON_VERSION_PATCH 0

/* The library's version as "MAJOR.MINOR.PATCH"; a static string. */
const char *baton_version(void);

#ifdef __cplusplus
}
#endif
#endif
