/* bigmem.h — zeroed memory for the searches' big tables, backed by transparent huge pages
 * where the kernel offers them.
 *
 * A state table is touched at random: with 4 KiB pages, a table of a few hundred MB costs a
 * page fault per page and a TLB miss on nearly every probe.  With 2 MiB pages both mostly
 * vanish (measured on phil_butler N=7: see docs/checking.md).  Small requests come from
 * malloc; big ones from mmap, aligned to 2 MiB and advised MADV_HUGEPAGE (which matters when
 * the kernel's THP mode is "madvise", Debian's default). */
#ifndef BATON_CHECKER_BIGMEM_H
#define BATON_CHECKER_BIGMEM_H

#include <stddef.h>

/* n zeroed bytes, or NULL.  Free with big_free(p, n) — the same n. */
void *big_calloc(size_t n);
void big_free(void *p, size_t n);
/* The same, with every page made (and zeroed by the kernel) now rather than at its first
 * touch: for a table that is about to be filled at random, so the faults are paid here, off
 * the search's hot path. */
void *big_calloc_now(size_t n);
/* Grows p (of n bytes) to m >= n bytes, keeping its contents and zeroing the rest; NULL (p
 * untouched) when out of memory. */
void *big_realloc(void *p, size_t n, size_t m);

/* Advises the whole 2 MiB ranges of a block from malloc or realloc (p, n bytes) onto huge
 * pages: for the big arrays that grow by realloc and are then written through, one page fault
 * a 2 MiB instead of one a 4 KiB (under this VM's hypervisor a fault costs microseconds, and
 * 4 KiB ones were a tenth of a normal form's time).  Pages already touched stay as they were;
 * blocks below 4 MiB are left alone. */
void big_advise(void *p, size_t n);

#endif
