// LD_PRELOAD shim for scripts/callgrind-idle.sh. Valgrind 3.19 writes into the signal mask passed to sigsuspend, and
// libdispatch (the Swift async main) passes a read-only one, so valgrind crashes; this hands it a writable copy.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>

int sigsuspend(const sigset_t *mask) {
    static int (*real)(const sigset_t *);
    if (!real) real = (int (*)(const sigset_t *))dlsym(RTLD_NEXT, "sigsuspend");
    sigset_t copy = *mask;
    return real(&copy);
}
