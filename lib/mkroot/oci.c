/*
 * mkjail oci: a jail root from an OCI image. The image is an OCI image
 * layout directory (index.json, blobs/ALG/HEX: what `skopeo copy ... oci:`
 * and umoci make) or an archive of one (podman save --format oci-archive),
 * or a Docker archive (manifest.json with Config and Layers: podman save
 * --format docker-archive, docker save). Archives are unpacked into a
 * private scratch directory first; every file of the image is then opened
 * inside that directory only.
 *
 * Every blob is checked before use: OCI blobs against the sha256 (or
 * sha512) digest and size their descriptor gives, Docker layers against
 * the config's rootfs.diff_ids (the digest of the uncompressed tar).
 * nettle does the hashing: libarchive already depends on it. Layers are
 * applied in order by layer.c; the root is built in DIR.tmp-XXXXXX and
 * renamed into place only when complete, as for every other kind.
 */
#define _GNU_SOURCE 1
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/rootfs.h"
#include "core/sys.h"
#include "mkroot_int.h"
#include "oci_int.h"

#define JSON_MAX  (16 << 20)
#define IN_IMAGE  (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)
#define REF_ANNO  "org.opencontainers.image.ref.name"
#define MAX_DEPTH 4 /* nested image indexes followed */

struct image {
	int dirfd; /* the layout, or the scratch directory an archive was unpacked into */
	char scratch[PATH_MAX];
	const char *tag;
	const char *name; /* as given, for messages */
};

/* ---- hashing -------------------------------------------------------- */

struct hasher {
	bool sha512;
	struct sha256_ctx s256;
	struct sha512_ctx s512;
};

static int hasher_init(struct hasher *h, const char *digest, const char **hex)
{
	if (!strncmp(digest, "sha256:", 7)) {
		h->sha512 = false;
		sha256_init(&h->s256);
		*hex = digest + 7;
		return strlen(*hex) == 64 ? 0 : -EINVAL;
	}
	if (!strncmp(digest, "sha512:", 7)) {
		h->sha512 = true;
		sha512_init(&h->s512);
		*hex = digest + 7;
		return strlen(*hex) == 128 ? 0 : -EINVAL;
	}
	return -EOPNOTSUPP;
}

static void hasher_update(struct hasher *h, const void *p, size_t n)
{
	if (h->sha512)
		sha512_update(&h->s512, n, p);
	else
		sha256_update(&h->s256, n, p);
}

static void hasher_hex(struct hasher *h, char *out)
{
	uint8_t d[SHA512_DIGEST_SIZE];
	size_t n = h->sha512 ? SHA512_DIGEST_SIZE : SHA256_DIGEST_SIZE;

	if (h->sha512)
		sha512_digest(&h->s512, n, d);
	else
		sha256_digest(&h->s256, n, d);
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* Hash all of fd (from offset 0) and compare with digest and size (-1: any). */
static int verify_fd(int fd, const char *digest, long long size, const char *what, struct jail_err *e)
{
	struct hasher h;
	const char *hex;
	char got[2 * SHA512_DIGEST_SIZE + 1], buf[1 << 16];
	long long total = 0;
	ssize_t n;
	int r = hasher_init(&h, digest, &hex);

	if (r < 0)
		return jail_err_set(e, r, "%s: digest '%s': sha256 or sha512 expected", what, digest);
	while ((n = pread(fd, buf, sizeof(buf), total)) > 0) {
		hasher_update(&h, buf, (size_t)n);
		total += n;
	}
	if (n < 0)
		return jail_err_sys(e, -errno, "%s", what);
	hasher_hex(&h, got);
	if (strcmp(got, hex))
		return jail_err_set(e, -EBADMSG, "%s: digest mismatch (want %.19s..., got %.12s...)", what,
				    digest, got);
	if (size >= 0 && total != size)
		return jail_err_set(e, -EBADMSG, "%s: size %lld, descriptor says %lld", what, total, size);
	return 0;
}

/* The digest of the uncompressed stream of a layer (a Docker diff_id). */
static int verify_diff_id(int fd, const char *diff_id, const char *what, struct jail_err *e)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ent;
	struct hasher h;
	const char *hex;
	char got[2 * SHA512_DIGEST_SIZE + 1], buf[1 << 16];
	la_ssize_t n;
	int r = hasher_init(&h, diff_id, &hex);

	if (r < 0 || !a) {
		archive_read_free(a);
		return jail_err_set(e, -EINVAL, "%s: diff_id '%s': sha256 expected", what, diff_id);
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (lseek(fd, 0, SEEK_SET) < 0 || archive_read_open_fd(a, fd, sizeof(buf)) != ARCHIVE_OK ||
	    archive_read_next_header(a, &ent) != ARCHIVE_OK) {
		r = jail_err_set(e, -EINVAL, "%s: unreadable: %s", what, archive_error_string(a));
		archive_read_free(a);
		return r;
	}
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
		hasher_update(&h, buf, (size_t)n);
	archive_read_free(a);
	if (n < 0)
		return jail_err_set(e, -EIO, "%s: read error", what);
	hasher_hex(&h, got);
	if (strcmp(got, hex))
		return jail_err_set(e, -EBADMSG, "%s: diff_id mismatch (want %.19s..., got %.12s...)", what,
				    diff_id, got);
	return 0;
}

/* ---- reading the image ---------------------------------------------- */

static int open_file(const struct image *im, const char *rel, struct jail_err *e)
{
	int fd = oci_openat2(im->dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY, IN_IMAGE);
	struct stat st;

	if (fd < 0)
		return jail_err_sys(e, fd, "%s: %s", im->name, rel);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return jail_err_set(e, -EINVAL, "%s: %s: not a regular file", im->name, rel);
	}
	return fd;
}

static json_t *load_json_fd(int fd, const char *what, struct jail_err *e)
{
	json_error_t je;
	struct stat st;
	json_t *j;

	if (fstat(fd, &st) < 0 || st.st_size > JSON_MAX) {
		jail_err_set(e, -EFBIG, "%s: larger than 16 MiB", what);
		return NULL;
	}
	j = json_loadfd(fd, JSON_DISABLE_EOF_CHECK, &je);
	if (!j)
		jail_err_set(e, -EINVAL, "%s: line %d: %s", what, je.line, je.text);
	return j;
}

/* A blob by descriptor, verified: returns the open fd. */
static int open_blob(const struct image *im, json_t *desc, const char *what, struct jail_err *e)
{
	const char *digest = json_string_value(json_object_get(desc, "digest"));
	json_t *size = json_object_get(desc, "size");
	char rel[256], label[300];
	const char *colon;
	int fd, r;

	if (!digest || !(colon = strchr(digest, ':')) || strchr(digest, '/') || colon - digest > 16)
		return jail_err_set(e, -EINVAL, "%s: %s: descriptor without a usable digest", im->name, what);
	snprintf(rel, sizeof(rel), "blobs/%.*s/%s", (int)(colon - digest), digest, colon + 1);
	snprintf(label, sizeof(label), "%s: %s (%.19s)", im->name, what, digest);
	fd = open_file(im, rel, e);
	if (fd < 0)
		return fd;
	r = verify_fd(fd, digest, json_is_integer(size) ? json_integer_value(size) : -1, label, e);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

static json_t *load_blob_json(const struct image *im, json_t *desc, const char *what, struct jail_err *e)
{
	int fd = open_blob(im, desc, what, e);
	json_t *j;

	if (fd < 0)
		return NULL;
	j = load_json_fd(fd, what, e);
	close(fd);
	return j;
}

static const char *host_arch(void)
{
	static const char *const map[][2] = {
		{"x86_64", "amd64"},	{"aarch64", "arm64"}, {"i686", "386"},	     {"armv7l", "arm"},
		{"ppc64le", "ppc64le"}, {"s390x", "s390x"},   {"riscv64", "riscv64"}};
	static struct utsname u;

	uname(&u);
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(u.machine, map[i][0]))
			return map[i][1];
	return u.machine;
}

static bool is_index(json_t *desc)
{
	const char *mt = json_string_value(json_object_get(desc, "mediaType"));

	return mt && (!strcmp(mt, "application/vnd.oci.image.index.v1+json") ||
		      !strcmp(mt, "application/vnd.docker.distribution.manifest.list.v2+json"));
}

/* From index.json's manifests: the one tagged im->tag, or the only one. */
static json_t *pick_top(const struct image *im, json_t *mans, struct jail_err *e)
{
	char tags[512] = "";
	json_t *d, *found = NULL;
	size_t i, o = 0;

	json_array_foreach(mans, i, d)
	{
		const char *ref =
			json_string_value(json_object_get(json_object_get(d, "annotations"), REF_ANNO));

		if (ref && o < sizeof(tags) - 1)
			o += (size_t)snprintf(tags + o, sizeof(tags) - o, "%s%s", o ? ", " : "", ref);
		if (im->tag && ref && !strcmp(ref, im->tag))
			found = d;
	}
	if (im->tag && !found)
		jail_err_set(e, -ENOENT, "%s: no image tagged '%s' (tags: %s)", im->name, im->tag,
			     *tags ? tags : "none");
	else if (!im->tag && json_array_size(mans) == 1)
		found = json_array_get(mans, 0);
	else if (!im->tag)
		jail_err_set(e, -EINVAL, "%s: holds %zu images; name one as %s:TAG (tags: %s)", im->name,
			     json_array_size(mans), im->name, *tags ? tags : "none");
	return found;
}

/* In an image index: the manifest for linux and this machine. */
static json_t *pick_platform(const struct image *im, json_t *index, struct jail_err *e)
{
	json_t *d, *mans = json_object_get(index, "manifests");
	size_t i;

	json_array_foreach(mans, i, d)
	{
		json_t *p = json_object_get(d, "platform");
		const char *os = json_string_value(json_object_get(p, "os"));
		const char *arch = json_string_value(json_object_get(p, "architecture"));

		if (os && arch && !strcmp(os, "linux") && !strcmp(arch, host_arch()))
			return d;
	}
	jail_err_set(e, -ENOENT, "%s: no linux/%s image in the index", im->name, host_arch());
	return NULL;
}

static int apply_layers(const struct image *im, int rootfd, json_t *layers, json_t *diff_ids, bool docker,
			struct mkroot_stats *st, struct jail_err *e)
{
	json_t *l;
	size_t i;

	if (!json_is_array(layers) || (docker && json_array_size(diff_ids) != json_array_size(layers)))
		return jail_err_set(e, -EINVAL, "%s: layers and the config's rootfs.diff_ids do not match",
				    im->name);
	json_array_foreach(layers, i, l)
	{
		char label[128], what[64];
		const char *id = docker ? json_string_value(json_array_get(diff_ids, i))
					: json_string_value(json_object_get(l, "digest"));
		int fd, r;

		snprintf(what, sizeof(what), "layer %zu", i + 1);
		if (docker) {
			if (!json_is_string(l) || !id)
				return jail_err_set(e, -EINVAL, "%s: %s: not a path", im->name, what);
			fd = open_file(im, json_string_value(l), e);
			if (fd >= 0 && (r = verify_diff_id(fd, id, what, e)) < 0) {
				close(fd);
				fd = r;
			}
		} else {
			fd = open_blob(im, l, what, e);
		}
		if (fd < 0)
			return fd;
		snprintf(label, sizeof(label), "layer %zu (%.19s)", i + 1, id ? id : "?");
		struct layer_ctx c = {.rootfd = rootfd, .label = label, .st = st};
		r = mkroot_layer_apply(&c, fd, e);
		close(fd);
		if (r < 0)
			return r;
		st->layers++;
	}
	return 0;
}

static int from_layout(const struct image *im, int rootfd, struct mkroot_stats *st, struct jail_err *e)
{
	int fd = open_file(im, "index.json", e), r = -EINVAL;
	json_t *index, *desc, *man = NULL, *cfg = NULL, *owned = NULL;

	if (fd < 0)
		return fd;
	index = load_json_fd(fd, "index.json", e);
	close(fd);
	if (!index)
		return e->code;
	desc = pick_top(im, json_object_get(index, "manifests"), e);
	for (int depth = 0; desc && is_index(desc) && depth < MAX_DEPTH; depth++) {
		json_decref(owned);
		owned = load_blob_json(im, desc, "image index", e);
		desc = owned ? pick_platform(im, owned, e) : NULL;
	}
	if (desc)
		man = load_blob_json(im, desc, "manifest", e);
	if (man)
		cfg = load_blob_json(im, json_object_get(man, "config"), "config", e);
	if (cfg)
		r = apply_layers(im, rootfd, json_object_get(man, "layers"), NULL, false, st, e);
	else
		r = e->code ? e->code : -EINVAL;
	json_decref(cfg);
	json_decref(man);
	json_decref(owned);
	json_decref(index);
	return r;
}

static int from_docker(const struct image *im, int rootfd, struct mkroot_stats *st, struct jail_err *e)
{
	int fd = open_file(im, "manifest.json", e), r;
	json_t *all, *m, *pick = NULL, *cfg;
	const char *cfgname, *base;
	size_t i;

	if (fd < 0)
		return fd;
	all = load_json_fd(fd, "manifest.json", e);
	close(fd);
	if (!all)
		return e->code;
	json_array_foreach(all, i, m)
	{
		json_t *t;
		size_t k;

		if (!im->tag)
			continue;
		json_array_foreach(json_object_get(m, "RepoTags"), k, t)
		{
			const char *s = json_string_value(t), *c = s ? strrchr(s, ':') : NULL;
			if (s && (!strcmp(s, im->tag) || (c && !strcmp(c + 1, im->tag))))
				pick = m;
		}
	}
	if (!im->tag && json_array_size(all) == 1)
		pick = json_array_get(all, 0);
	if (!pick) {
		r = jail_err_set(e, -ENOENT, "%s: manifest.json: %s", im->name,
				 im->tag ? "no image with that tag"
					 : "several images; name one as ARCHIVE:TAG");
		json_decref(all);
		return r;
	}
	cfgname = json_string_value(json_object_get(pick, "Config"));
	if (!cfgname) {
		json_decref(all);
		return jail_err_set(e, -EINVAL, "%s: manifest.json: no Config", im->name);
	}
	fd = open_file(im, cfgname, e);
	if (fd < 0) {
		json_decref(all);
		return fd;
	}
	/* podman and docker name the config by its digest: check it. */
	base = strrchr(cfgname, '/') ? strrchr(cfgname, '/') + 1 : cfgname;
	if (strlen(base) >= 64 && strspn(base, "0123456789abcdef") == 64) {
		char dg[80];

		snprintf(dg, sizeof(dg), "sha256:%.64s", base);
		if ((r = verify_fd(fd, dg, -1, "config", e)) < 0) {
			close(fd);
			json_decref(all);
			return r;
		}
	}
	cfg = load_json_fd(fd, "config", e);
	close(fd);
	r = cfg ? apply_layers(im, rootfd, json_object_get(pick, "Layers"),
			       json_object_get(json_object_get(cfg, "rootfs"), "diff_ids"), true, st, e)
		: e->code;
	json_decref(cfg);
	json_decref(all);
	return r;
}

/* ---- the image argument --------------------------------------------- */

/* "[oci:|oci-archive:|docker-archive:]PATH[:TAG]"; a PATH that exists as
 * given keeps its colons. */
static void split_ref(const char *ref, char *path, size_t psz, char *tag, size_t tsz)
{
	static const char *const transports[] = {"oci:", "oci-archive:", "docker-archive:"};
	struct stat st;
	char *c;

	for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++)
		if (!strncmp(ref, transports[i], strlen(transports[i])))
			ref += strlen(transports[i]);
	snprintf(path, psz, "%s", ref);
	tag[0] = '\0';
	if (stat(path, &st) == 0)
		return;
	c = strrchr(path, ':');
	if (c && c[1] && !strchr(c, '/')) {
		snprintf(tag, tsz, "%s", c + 1);
		*c = '\0';
	}
}

/* Unpack an image archive into a new scratch directory, with the same
 * rules as a layer (no names outside it, no writing through links). */
static int unpack_archive(struct image *im, const char *path, struct jail_err *e)
{
	const char *tmp = getenv("TMPDIR");
	struct mkroot_stats ign = {0};
	int fd, r;

	snprintf(im->scratch, sizeof(im->scratch), "%s/mkjail-oci.XXXXXX", tmp && *tmp ? tmp : "/var/tmp");
	if (!mkdtemp(im->scratch)) {
		im->scratch[0] = '\0';
		return jail_err_sys(e, -errno, "scratch directory");
	}
	im->dirfd = open(im->scratch, O_PATH | O_DIRECTORY | O_CLOEXEC);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (im->dirfd < 0 || fd < 0) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		return jail_err_sys(e, r, "%s", path);
	}
	struct layer_ctx c = {.rootfd = im->dirfd, .label = path, .st = &ign};
	r = mkroot_layer_apply(&c, fd, e);
	close(fd);
	return r;
}

/* What a jail mounts on: made when the image lacks them. */
static void mount_points(int rootfd)
{
	static const struct {
		const char *name;
		mode_t mode;
	} dirs[] = {{"dev", 0755}, {"proc", 0555}, {"sys", 0555}, {"tmp", 01777}};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (mkdirat(rootfd, dirs[i].name, dirs[i].mode) == 0 &&
		    fchmodat(rootfd, dirs[i].name, dirs[i].mode, 0) < 0)
			continue; /* the umask's mode is good enough */
}

int mkroot_oci(const char *dir, const char *image, const struct mkroot_opts *o, struct mkroot_stats *st,
	       struct jail_err *e)
{
	struct mkroot_stats local = {0};
	struct mkroot_build b;
	struct image im = {.dirfd = -1};
	char path[PATH_MAX], tag[256];
	struct stat sb;
	int r;

	if (!st)
		st = &local;
	if (!image || !*image)
		return jail_err_exit(e, 64), jail_err_set(e, -EINVAL, "no image given");
	split_ref(image, path, sizeof(path), tag, sizeof(tag));
	im.name = path;
	im.tag = *tag ? tag : NULL;
	if (stat(path, &sb) < 0)
		return jail_err_sys(e, -errno, "%s", path);
	if (S_ISDIR(sb.st_mode)) {
		im.dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		r = im.dirfd < 0 ? jail_err_sys(e, -errno, "%s", path) : 0;
	} else {
		r = unpack_archive(&im, path, e);
		if (r < 0)
			jail_err_prefix(e, "%s: not a readable image archive", path);
	}
	if (r == 0)
		r = mkroot_begin(&b, dir, o && o->force, st, e);
	else
		memset(&b, 0, sizeof(b)), b.parentfd = b.rootfd = b.hostfd = -1;
	if (r == 0) {
		if (faccessat(im.dirfd, "index.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			r = from_layout(&im, b.rootfd, st, e);
		else if (faccessat(im.dirfd, "manifest.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			r = from_docker(&im, b.rootfd, st, e);
		else
			r = jail_err_set(e, -EINVAL,
					 "%s: not an OCI image layout or image archive "
					 "(no index.json or manifest.json)",
					 path);
	}
	if (r == 0) {
		mount_points(b.rootfd);
		r = mkroot_commit(&b, e);
	}
	mkroot_abort(&b);
	if (im.dirfd >= 0)
		close(im.dirfd);
	if (im.scratch[0]) {
		struct jail_err ign = {0};
		rootfs_rm_tree(AT_FDCWD, im.scratch, &ign);
	}
	return r;
}
