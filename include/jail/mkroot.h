/*
 * Building jail roots, the Linux form of "make world DESTDIR=": a mini root
 * holding only the named programs and what they load, a static busybox
 * root, a Debian root by debootstrap, and thin roots sharing one read-only
 * base through overlayfs. Every root is built in DIR.tmp-XXXXXX next to DIR
 * and renamed into place only when complete, so a failure never leaves a
 * half-built root that looks finished.
 */
#ifndef JAIL_MKROOT_H
#define JAIL_MKROOT_H

#include <stddef.h>
#include <stdint.h>

#include "jail/err.h"

#define MKROOT_MAX_ITEMS 256 /* programs, -f files, -u users per call */

struct mkroot_opts {
	int force;		  /* replace a non-empty DIR */
	const char *const *files; /* extra host files or trees, NULL-ended */
	const char *const *users; /* host users for /etc/passwd, NULL-ended */
	const char *busybox;	  /* static busybox; default /bin/busybox */
	/* debian */
	const char *suite;	 /* default: the host's codename */
	const char *mirror;	 /* default: from the host's apt sources */
	const char *include;	 /* comma-separated extra packages */
	const char *cache_dir;	 /* default MKJAIL_CACHE or /var/cache/jail/debootstrap */
	const char *debootstrap; /* program; default "debootstrap" */
	/* thin */
	const char *base; /* the shared read-only lower root */
	/* Progress lines for long builds (debian), one line each. */
	void (*progress)(void *arg, const char *line);
	void *progress_arg;
};

struct mkroot_stats {
	unsigned long files;	  /* regular files written */
	unsigned long dirs;	  /* directories made */
	unsigned long links;	  /* symlinks and hard links made */
	unsigned long long bytes; /* bytes of file data copied */
	int cached;		  /* debian: root came from the cache */
	unsigned long skipped;	  /* oci: device nodes and sockets not made */
	unsigned layers;	  /* oci: layers applied */
};

/* Copy programs (paths or names looked up in PATH) and the closure of what
 * they load into a new root at dir, with the /etc files a daemon needs. */
int mkroot_mini(const char *dir, const char *const *programs, const struct mkroot_opts *o,
		struct mkroot_stats *st, struct jail_err *e);

/* A static busybox root: applet links, /etc/passwd, /etc/rc pair. */
int mkroot_busybox(const char *dir, const struct mkroot_opts *o, struct mkroot_stats *st, struct jail_err *e);

/* A Debian minbase root by debootstrap, cached per suite/mirror/packages. */
int mkroot_debian(const char *dir, const struct mkroot_opts *o, struct mkroot_stats *st, struct jail_err *e);

/* Mirror and suite the host's apt uses (sources.list, .list, deb822
 * .sources); falls back to deb.debian.org and /etc/os-release. etc is the
 * directory holding apt/ and os-release ("/etc" normally). */
int mkroot_host_mirror(const char *etc, char *mirror, size_t msz, char *suite, size_t ssz,
		       struct jail_err *e);

/* Thin root layout: DIR/upper, DIR/work, DIR/root (the mount point) and
 * DIR/thin.conf naming the base. The overlay is mounted by jail(8). */
int mkroot_thin(const char *dir, const struct mkroot_opts *o, struct jail_err *e);

/*
 * A root from an OCI image: image is an image layout directory or an archive
 * (oci-archive, or docker-archive as `podman save` and `docker save` write),
 * optionally ":TAG" to pick one image of several. Blobs are checked against
 * their sha256 digests, layers applied in order with whiteouts, and a layer
 * that would write outside DIR (absolute names, "..", through a symlink) is
 * refused with nothing left behind.
 */
int mkroot_oci(const char *dir, const char *image, const struct mkroot_opts *o, struct mkroot_stats *st,
	       struct jail_err *e);

/*
 * User ranges (jail(8) user.range): a root belongs to the range its files
 * are owned by. mkroot_range picks the range for a root to be shifted into
 * from spec ("private": the pool slot of its path; "identity": 0; or a base),
 * mkroot_range_of says which range a root is in now (its top directory's
 * owner), and mkroot_shift moves every file of the range from into to.
 */
int mkroot_range(const char *dir, const char *spec, uint32_t *base, struct jail_err *e);
int mkroot_range_of(const char *dir, uint32_t *base, struct jail_err *e);
int mkroot_shift(const char *dir, uint32_t from, uint32_t to, unsigned long *files, struct jail_err *e);

/* The /etc/rc, /etc/rc.shutdown and /etc/rc.subr texts (and rc.d scripts
 * for busybox services when busybox is set) written into a root. */
int mkroot_write_rc(int rootfd, int busybox, struct jail_err *e);

#endif
