#ifndef SNC_CLIBSSH2_SHIM_H
#define SNC_CLIBSSH2_SHIM_H

// libssh2's public API. Its function-like macros (libssh2_session_init,
// libssh2_channel_read, ...) do not import into Swift, so snc calls the
// `_ex` forms they expand to.
#include <libssh2.h>

#endif
