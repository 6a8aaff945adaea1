#ifndef SNC_CLINUX_NAMESPACE_H
#define SNC_CLINUX_NAMESPACE_H

// A private user + network namespace for `snc load --isolated`.
//
// unshare(CLONE_NEWUSER) fails with EINVAL once a process has a second
// thread, and the Swift runtime may start threads before any command code
// runs (the async main's executor). So `snc load --isolated` re-executes
// itself with SNC_ISOLATED_NAMESPACE=1 in its environment, and a constructor
// in CLinuxNamespace.c enters the namespaces before the Swift runtime starts,
// while the process still has one thread. These calls report what it did.

// The environment variable that asks the constructor to enter the namespaces.
extern const char *const snc_namespace_environment_key;

// 0: not asked; 1: entered (caller mapped to root, lo up); -1: failed.
int snc_namespace_state(void);
// The call that failed ("unshare", "uid_map", ...) and its errno, when the state is -1.
const char *snc_namespace_failed_call(void);
int snc_namespace_failed_errno(void);

#endif
