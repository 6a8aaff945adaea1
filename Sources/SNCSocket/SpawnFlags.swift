import CLinux

/// posix_spawnattr_setflags(3) flags that Glibc's Swift module lacks.
package enum SpawnFlags {
    /// POSIX_SPAWN_SETSID (glibc 2.26): the child starts a new session, so
    /// the terminal it opens first becomes its controlling terminal.
    package static let newSession: Int16 = snc_posix_spawn_setsid
}
