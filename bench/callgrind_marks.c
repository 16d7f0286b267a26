/* Marks for bench/cpu's instruction count: Python calls these (through ctypes) around each
 * scenario's requests while it runs under `valgrind --tool=callgrind --instr-atstart=no`.
 * Outside valgrind the client requests below are a few no-op instructions.
 * Built by bench/cpu: gcc -O2 -shared -fPIC -o callgrind_marks.so callgrind_marks.c */
#include <valgrind/callgrind.h>

/* Instrument from now on (the warm-up before ran uninstrumented, at a fraction of the cost). */
void bench_instrument(void) { CALLGRIND_START_INSTRUMENTATION; }

/* Forget what was counted so far: what follows is one scenario's requests. */
void bench_zero(void) { CALLGRIND_ZERO_STATS; }

/* Write what was counted since bench_zero to a dump file whose description names it. */
void bench_dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
