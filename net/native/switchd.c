/* switchd: the forwarder of redline's network switch, in C.
 *
 * Every client, node and sentinel of a run talks to the others through the switch: a node
 * listens privately on its own loopback address, the switch listens on that address's public
 * port and forwards each connection to it, under a rule per directed link. This is
 * nemesis/forwarder.ts again, with the same semantics, for less CPU per message: in Node the
 * forwarding cost about as much CPU per request as the client sending it, on a machine where
 * the clients, the switch and redis-server share two cores. net/native-engine.ts starts
 * it; without a C compiler the harness uses forwarder.ts instead.
 *
 * Usage: switchd <seed>          seed: 0 to 4294967295, of the jitter of delays
 *
 * Control protocol: requests on stdin, one per line, words separated by spaces; one reply line
 * per request on stdout, written once the change applies to every open connection.
 *
 *   add <id> <component> <host> <publicPort> <privatePort>
 *       Listen on host:publicPort and forward to host:privatePort. Callers from <host> are
 *       <component> (the node's id: n1, s1, ...). Replied once listening, or with why not.
 *   set <id> pass|drop|reset|delay <ms> <jitterMs> [<from>><to> ...]
 *       The rule of each directed link; <ms> and <jitterMs> count for delay only.
 *   heal <id>
 *       Every link passes.
 *
 *   ok <id>
 *   err <id> <message>            <id> is "-" when the line has no readable id.
 *
 * <id> is 1 to 15 digits, echoed back. A component is 1 to 63 printable ASCII characters other
 * than '>'; "clients" is every caller not from a node's host. Hosts are IPv4 loopback addresses
 * (127.0.0.0/8): a run's traffic never leaves the machine.
 *
 * The rules, per direction of a connection (bytes from A to B travel under rule(A, B)):
 *   pass   bytes are forwarded at once.
 *   drop   the source is no longer read and what is queued is held until the link passes
 *          again: connections hang rather than fail, as when packets are lost.
 *   reset  open connections of the link are reset (RST), new ones are reset once accepted.
 *   delay  each chunk is released at now + ms + jitter (uniform in [-jitter, +jitter], never
 *          below 0), and never before the chunk ahead of it: TCP delivers in order.
 * A rule change applies to open connections at once.
 *
 * switchd exits when stdin reaches EOF (its parent closed it or died), or with its parent. */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CLIENTS 0                   /* The component of every caller not from a node's host. */
#define MAX_COMPONENTS 128
#define MAX_NAME 63
#define MAX_LINE 65536              /* Longest control line, in bytes. */
#define MAX_LINKS (MAX_LINE / 4)    /* A link takes at least 4 bytes of a line: " a>b". */
#define MAX_DELAY_MS 86400000.0
#define QUEUE_HIGH_WATER (1 << 20)  /* Queued bytes one way above which the source is not read. */
#define READ_BUFFER (64 * 1024)
#define MAX_EVENTS 256
#define ACCEPTS_PER_EVENT 64        /* So that a flood of connections cannot starve the rest. */
#define LISTEN_BACKLOG 511

/* ================================ Types ================================ */

enum kind { PASS = 0, DROP, RESET, DELAY }; /* PASS is 0: a zeroed rule table passes. */

struct rule {
    enum kind kind;
    int64_t delay_us, jitter_us;
};

/* What an epoll event points at. Every such struct starts with its handle. */
enum handle_type { CONTROL, LISTENER, SOCKET };

struct handle {
    enum handle_type type;
    int fd;
};

struct node {
    struct handle listener;
    int component;
    struct in_addr host;
    uint16_t private_port;
};

/* Bytes queued one way. A chunk of length 0 stands for the source's EOF. */
struct chunk {
    struct chunk *next;
    int64_t release_at;             /* Monotonic µs; 0 unless delayed. */
    size_t len, off;                /* off: how much was written already. */
    char data[];
};

struct conn;

struct sock {
    struct handle h;
    struct conn *conn;
    uint32_t events;                /* What epoll watches; 0: not registered. */
    bool connecting;
};

/* The bytes one way along a connection, under the rule of that link. */
struct dir {
    struct conn *conn;
    struct sock *src, *dst;
    struct rule rule;
    struct chunk *head, *tail;
    size_t queued;
    int64_t last_release;
    bool eof_read;                  /* src sent its EOF: there is nothing more to read. */
    bool eof_sent;                  /* ... and it was passed on: dst is shut for writing. */
    bool stalled;                   /* dst took less than it was given: wait until writable. */
};

struct conn {
    struct sock client, server;
    struct dir up, down;            /* client to server, server to client */
    int from, to;                   /* The caller's component and the node called. */
    bool closed;
    struct conn *prev, *next;
};

/* =============================== State ================================= */

static int epfd;
static int spare_fd = -1;           /* Given up when out of descriptors: see shed(). */
static uint32_t rng_state;
static char names[MAX_COMPONENTS][MAX_NAME + 1] = {"clients"};
static int ncomponents = 1;
static struct rule rules[MAX_COMPONENTS][MAX_COMPONENTS]; /* [from][to] */
static bool any_delay;              /* Some link delays: epoll_wait needs a timeout. */
static struct node nodes[MAX_COMPONENTS];
static int nnodes;
static struct conn *conns;
static struct conn *closed_conns;   /* Freed once the current batch of events is handled. */
static char errbuf[256];

/* ============================== Utilities ============================== */

static void die(const char *what) {
    fprintf(stderr, "switchd: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int64_t now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* mulberry32, as harness/rng.ts, so that a seed draws the same jitter in both forwarders.
 * Uniform in [0, 1). */
static double rng_next(void) {
    uint32_t t = rng_state += 0x6d2b79f5u;
    t = (t ^ (t >> 15)) * (t | 1);
    t ^= t + (t ^ (t >> 7)) * (t | 61);
    return (double)(t ^ (t >> 14)) / 4294967296.0;
}

__attribute__((format(printf, 1, 2)))
static const char *fmt(const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    vsnprintf(errbuf, sizeof errbuf, format, ap);
    va_end(ap);
    return errbuf;
}

/* ============================= Forwarding ============================== */

/* A socket with nothing to wait for leaves epoll: EPOLLHUP is reported whatever the mask,
 * and would wake us forever for a connection that is only dropped. */
static void watch(struct sock *s, uint32_t events) {
    if (events == s->events) return;
    struct epoll_event ev = {.events = events, .data.ptr = s};
    int op = s->events == 0 ? EPOLL_CTL_ADD : events == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
    if (epoll_ctl(epfd, op, s->h.fd, &ev) == -1) die("epoll_ctl");
    s->events = events;
}

/* Reading stops while the rule holds bytes back, while the destination has not taken the last
 * ones (so the sender feels it, as through a full TCP window), and above the high-water mark. */
static bool wants_read(const struct dir *d) {
    return !d->eof_read && !d->src->connecting && !d->stalled &&
           (d->rule.kind == PASS || d->rule.kind == DELAY) && d->queued <= QUEUE_HIGH_WATER;
}

static bool wants_write(const struct dir *d) {
    return d->stalled || d->dst->connecting;
}

static void free_chunks(struct dir *d) {
    while (d->head) {
        struct chunk *next = d->head->next;
        free(d->head);
        d->head = next;
    }
    d->tail = NULL;
    d->queued = 0;
}

/* Closes both sockets, with reset as RST (SO_LINGER 0). The struct lives on until the end
 * of the batch of events, which may still point at it. */
static void conn_close(struct conn *c, bool reset) {
    if (c->closed) return;
    c->closed = true;
    struct linger rst = {.l_onoff = 1, .l_linger = 0};
    struct sock *socks[2] = {&c->client, &c->server};
    for (int i = 0; i < 2; i++) {
        if (reset) setsockopt(socks[i]->h.fd, SOL_SOCKET, SO_LINGER, &rst, sizeof rst);
        close(socks[i]->h.fd);
    }
    free_chunks(&c->up);
    free_chunks(&c->down);
    if (c->prev) c->prev->next = c->next;
    else conns = c->next;
    if (c->next) c->next->prev = c->prev;
    c->next = closed_conns;
    closed_conns = c;
}

/* Queues a copy of the bytes; under delay they also get their release time. */
static void enqueue(struct dir *d, const char *data, size_t len) {
    struct chunk *k = malloc(sizeof *k + len);
    if (!k) die("malloc");
    k->next = NULL;
    k->len = len;
    k->off = 0;
    if (len) memcpy(k->data, data, len);
    k->release_at = 0;
    if (d->rule.kind == DELAY) {
        double wait = d->rule.delay_us + (rng_next() * 2 - 1) * d->rule.jitter_us;
        int64_t at = now_us() + (wait > 0 ? (int64_t)wait : 0);
        k->release_at = d->last_release = at > d->last_release ? at : d->last_release;
    }
    if (d->tail) d->tail->next = k;
    else d->head = k;
    d->tail = k;
    d->queued += len;
}

/* Delivers what the rule lets through now. Called on new bytes, when the destination becomes
 * writable, when delays fall due and when rules change. */
static void pump(struct dir *d) {
    if (d->conn->closed || d->rule.kind == DROP || d->rule.kind == RESET) return;
    int64_t now = d->rule.kind == DELAY ? now_us() : 0;
    while (d->head && !d->stalled) {
        struct chunk *k = d->head;
        if (d->rule.kind == DELAY && k->release_at > now) return; /* release_due() comes back */
        if (d->dst->connecting) { /* Its EPOLLOUT says when it is connected. */
            d->stalled = true;
            return;
        }
        if (k->len == 0) {
            shutdown(d->dst->h.fd, SHUT_WR); /* A failure shows as an error on the socket. */
            d->eof_sent = true;
        } else {
            ssize_t n = send(d->dst->h.fd, k->data + k->off, k->len - k->off, MSG_NOSIGNAL);
            if (n == -1) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) d->stalled = true;
                else conn_close(d->conn, false);
                return;
            }
            k->off += n;
            d->queued -= n;
            if (k->off < k->len) {
                d->stalled = true;
                return;
            }
        }
        d->head = k->next;
        if (!d->head) d->tail = NULL;
        free(k);
    }
}

/* One read from the source: at EOF, an EOF chunk queued behind the bytes before it. */
static void dir_read(struct dir *d) {
    static char buf[READ_BUFFER];
    ssize_t n = recv(d->src->h.fd, buf, sizeof buf, 0);
    if (n == -1) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) conn_close(d->conn, false);
        return;
    }
    if (n == 0) {
        d->eof_read = true;
        enqueue(d, NULL, 0);
        pump(d);
        return;
    }
    if (d->rule.kind == PASS && !d->head && !d->dst->connecting) {
        /* The common case: nothing held back, so write straight from the read buffer. The
         * kernel almost always takes it all; what it does not is kept. */
        ssize_t w = send(d->dst->h.fd, buf, n, MSG_NOSIGNAL);
        if (w == -1) {
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                conn_close(d->conn, false);
                return;
            }
            w = 0;
        }
        if (w < n) {
            enqueue(d, buf + w, n - w);
            d->stalled = true;
        }
        return;
    }
    enqueue(d, buf, n);
    pump(d);
}

/* After anything happened on a connection: watch what its directions wait for now, and close
 * it once both have passed their EOF on. */
static void conn_update(struct conn *c) {
    if (c->closed) return;
    if (c->up.eof_sent && c->down.eof_sent) {
        conn_close(c, false);
        return;
    }
    watch(&c->client, (wants_read(&c->up) ? EPOLLIN : 0) | (wants_write(&c->down) ? EPOLLOUT : 0));
    watch(&c->server, (wants_read(&c->down) ? EPOLLIN : 0) | (wants_write(&c->up) ? EPOLLOUT : 0));
}

static void conn_pump(struct conn *c) {
    pump(&c->up);
    pump(&c->down);
    conn_update(c);
}

static void sock_event(struct sock *s, uint32_t events) {
    struct conn *c = s->conn;
    if (c->closed) return; /* By an earlier event of this batch. */
    /* An error on either socket takes the connection down: the node was killed, the client
     * went away. */
    if (events & EPOLLERR) {
        conn_close(c, false);
        return;
    }
    struct dir *in = s == &c->client ? &c->up : &c->down;
    struct dir *out = s == &c->client ? &c->down : &c->up;
    if (s->connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(s->h.fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 || err != 0) {
            conn_close(c, false);
            return;
        }
        s->connecting = false;
    }
    /* EPOLLHUP counts as both: the next read or write says what happened. */
    if (events & (EPOLLOUT | EPOLLHUP)) {
        out->stalled = false;
        pump(out);
    }
    if ((events & (EPOLLIN | EPOLLHUP)) && !c->closed && wants_read(in)) dir_read(in);
    conn_update(c);
}

/* The component calling from an address: the last node added on that host, or the clients. */
static int identify(struct in_addr addr) {
    for (int i = nnodes - 1; i >= 0; i--)
        if (nodes[i].host.s_addr == addr.s_addr) return nodes[i].component;
    return CLIENTS;
}

/* As a closed port answers, or a node whose link resets. */
static void reset_fd(int fd) {
    struct linger rst = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst, sizeof rst);
    close(fd);
}

/* Opens the connection to the node for one accepted from a caller. A failure closes the
 * caller's connection, as a node that cannot be reached would. */
static void forward(struct node *n, int fd, struct sockaddr_in *peer) {
    int from = identify(peer->sin_addr), to = n->component;
    if (rules[from][to].kind == RESET || rules[to][from].kind == RESET) {
        reset_fd(fd);
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int sfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (sfd == -1) {
        close(fd);
        return;
    }
    setsockopt(sfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    /* A node calls from its own address, so that the node called sees who is calling. */
    struct sockaddr_in local = {.sin_family = AF_INET, .sin_addr = peer->sin_addr};
    struct sockaddr_in dest = {.sin_family = AF_INET, .sin_port = htons(n->private_port), .sin_addr = n->host};
    bool bound = from == CLIENTS || bind(sfd, (struct sockaddr *)&local, sizeof local) == 0;
    bool connected = bound && connect(sfd, (struct sockaddr *)&dest, sizeof dest) == 0;
    bool connecting = bound && !connected && errno == EINPROGRESS;
    if (!connected && !connecting) {
        close(sfd);
        close(fd);
        return;
    }
    struct conn *c = calloc(1, sizeof *c);
    if (!c) die("calloc");
    c->client = (struct sock){.h = {SOCKET, fd}, .conn = c};
    c->server = (struct sock){.h = {SOCKET, sfd}, .conn = c, .connecting = connecting};
    c->up = (struct dir){.conn = c, .src = &c->client, .dst = &c->server, .rule = rules[from][to]};
    c->down = (struct dir){.conn = c, .src = &c->server, .dst = &c->client, .rule = rules[to][from]};
    c->from = from;
    c->to = to;
    c->next = conns;
    if (conns) conns->prev = c;
    conns = c;
    conn_update(c);
}

/* Out of descriptors, a pending connection keeps the listener readable and would wake us
 * forever: accept it on the spare descriptor and close it (the caller sees it closed). */
static void shed(int listener) {
    if (spare_fd == -1) return;
    close(spare_fd);
    int fd = accept(listener, NULL, NULL);
    if (fd != -1) close(fd);
    spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void accept_all(struct node *n) {
    for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        int fd = accept4(n->listener.fd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd == -1) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EMFILE || errno == ENFILE) shed(n->listener.fd);
            return; /* EAGAIN: none left. */
        }
        forward(n, fd, &peer);
    }
}

/* Rules changed: every open connection takes its links' rules at once. */
static void apply_rules(void) {
    any_delay = false;
    for (int i = 0; i < ncomponents; i++)
        for (int j = 0; j < ncomponents; j++)
            if (rules[i][j].kind == DELAY) any_delay = true;
    struct conn *next;
    for (struct conn *c = conns; c; c = next) {
        next = c->next;
        c->up.rule = rules[c->from][c->to];
        c->down.rule = rules[c->to][c->from];
        if (c->up.rule.kind == RESET || c->down.rule.kind == RESET) conn_close(c, true);
        else conn_pump(c);
    }
}

/* Pumps every connection after a wait: delayed chunks that fell due go out, and a direction
 * with nothing due costs a comparison. */
static void release_due(void) {
    struct conn *next;
    for (struct conn *c = conns; c; c = next) {
        next = c->next;
        conn_pump(c);
    }
}

/* How long epoll_wait may sleep, in ms: until the next delayed chunk falls due. */
static int next_timeout(void) {
    if (!any_delay) return -1;
    int64_t next = INT64_MAX;
    for (struct conn *c = conns; c; c = c->next) {
        struct dir *dirs[2] = {&c->up, &c->down};
        for (int i = 0; i < 2; i++) {
            struct dir *d = dirs[i];
            if (d->rule.kind == DELAY && d->head && !d->stalled && d->head->release_at < next)
                next = d->head->release_at;
        }
    }
    if (next == INT64_MAX) return -1;
    int64_t wait = next - now_us();
    if (wait <= 0) return 0;
    return wait / 1000 >= INT_MAX ? INT_MAX : (int)((wait + 999) / 1000);
}

static void free_closed(void) {
    while (closed_conns) {
        struct conn *next = closed_conns->next;
        free(closed_conns);
        closed_conns = next;
    }
}

/* =========================== Control protocol ========================== */

/* The next word of *s, terminated in place, or NULL at the end of the line. */
static char *word(char **s) {
    char *p = *s;
    while (*p == ' ' || *p == '\t') p++;
    if (!*p) {
        *s = p;
        return NULL;
    }
    char *w = p;
    while (*p && *p != ' ' && *p != '\t') p++;
    if (*p) *p++ = '\0';
    *s = p;
    return w;
}

static bool is_digits(const char *w, size_t max) {
    size_t len = strlen(w);
    if (len == 0 || len > max) return false;
    for (; *w; w++)
        if (*w < '0' || *w > '9') return false;
    return true;
}

static bool is_name(const char *w) {
    size_t len = strlen(w);
    if (len == 0 || len > MAX_NAME) return false;
    for (; *w; w++)
        if ((unsigned char)*w < 0x21 || (unsigned char)*w > 0x7e || *w == '>') return false;
    return true;
}

/* 1 to 65535, or -1. */
static int parse_port(const char *w) {
    if (!is_digits(w, 5)) return -1;
    int port = atoi(w);
    return port >= 1 && port <= 65535 ? port : -1;
}

static bool parse_ms(const char *w, int64_t *us) {
    char *end;
    double ms = strtod(w, &end);
    if (end == w || *end || !(ms >= 0 && ms <= MAX_DELAY_MS)) return false; /* NaN fails too. */
    *us = (int64_t)(ms * 1000 + 0.5);
    return true;
}

/* The index of a component, added if new; -1 when the table is full. */
static int component(const char *name) {
    for (int i = 0; i < ncomponents; i++)
        if (strcmp(names[i], name) == 0) return i;
    if (ncomponents == MAX_COMPONENTS) return -1;
    strcpy(names[ncomponents], name);
    return ncomponents++;
}

/* Each request handler returns NULL on success, or the error message. */

static const char *do_add(char **s) {
    char *name = word(s), *host = word(s), *pub = word(s), *priv = word(s);
    if (!priv || word(s)) return "expected: add <id> <component> <host> <publicPort> <privatePort>";
    if (!is_name(name)) return fmt("expected a component of 1 to 63 printable characters other than '>', got \"%.40s\"", name);
    struct in_addr host_addr;
    if (inet_pton(AF_INET, host, &host_addr) != 1 || (ntohl(host_addr.s_addr) >> 24) != 127)
        return fmt("refusing %.40s: expected an IPv4 loopback address (127.0.0.0/8)", host);
    int public_port = parse_port(pub), private_port = parse_port(priv);
    if (public_port == -1) return fmt("expected a public port (1 to 65535), got \"%.40s\"", pub);
    if (private_port == -1) return fmt("expected a private port (1 to 65535), got \"%.40s\"", priv);
    if (nnodes == MAX_COMPONENTS) return fmt("too many nodes (at most %d)", MAX_COMPONENTS);
    int id = component(name);
    if (id == -1) return fmt("too many components (at most %d)", MAX_COMPONENTS);

    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd == -1) return fmt("cannot open a socket: %s", strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(public_port), .sin_addr = host_addr};
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1 || listen(fd, LISTEN_BACKLOG) == -1) {
        int err = errno;
        close(fd);
        return fmt("cannot listen on %s:%d: %s", host, public_port, strerror(err));
    }
    struct node *n = &nodes[nnodes++];
    *n = (struct node){.listener = {LISTENER, fd}, .component = id, .host = host_addr, .private_port = private_port};
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = n};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == -1) die("epoll_ctl");
    return NULL;
}

static const char *do_set(char **s) {
    static int from[MAX_LINKS], to[MAX_LINKS];
    char *kind = word(s), *ms = word(s), *jitter = word(s);
    if (!jitter) return "expected: set <id> pass|drop|reset|delay <ms> <jitterMs> [<from>><to> ...]";
    struct rule r = {0};
    if (strcmp(kind, "pass") == 0) r.kind = PASS;
    else if (strcmp(kind, "drop") == 0) r.kind = DROP;
    else if (strcmp(kind, "reset") == 0) r.kind = RESET;
    else if (strcmp(kind, "delay") == 0) r.kind = DELAY;
    else return fmt("expected pass, drop, reset or delay, got \"%.40s\"", kind);
    if (!parse_ms(ms, &r.delay_us)) return fmt("expected a delay in ms (0 to %.0f), got \"%.40s\"", MAX_DELAY_MS, ms);
    if (!parse_ms(jitter, &r.jitter_us)) return fmt("expected a jitter in ms (0 to %.0f), got \"%.40s\"", MAX_DELAY_MS, jitter);
    if (r.kind != DELAY) r.delay_us = r.jitter_us = 0;

    /* Every link is checked before any rule changes: a request applies whole or not at all. */
    int count = 0;
    for (char *link; (link = word(s));) {
        char *gt = strchr(link, '>');
        if (gt) *gt = '\0';
        if (!gt || !is_name(link) || !is_name(gt + 1))
            return fmt("expected a link <from>><to> between components, got \"%.40s\"", link);
        if (count == MAX_LINKS) return "too many links";
        from[count] = component(link);
        to[count] = component(gt + 1);
        if (from[count] == -1 || to[count] == -1) return fmt("too many components (at most %d)", MAX_COMPONENTS);
        count++;
    }
    for (int i = 0; i < count; i++) rules[from[i]][to[i]] = r;
    apply_rules();
    return NULL;
}

static const char *do_heal(char **s) {
    if (word(s)) return "expected: heal <id>";
    memset(rules, 0, sizeof rules);
    apply_rules();
    return NULL;
}

static void reply(const char *id, const char *error) {
    char line[512];
    int len = error ? snprintf(line, sizeof line, "err %s %s\n", id, error) : snprintf(line, sizeof line, "ok %s\n", id);
    if (len >= (int)sizeof line) {
        len = sizeof line - 1;
        line[len - 1] = '\n';
    }
    for (char *p = line; len > 0;) {
        ssize_t n = write(STDOUT_FILENO, p, len);
        if (n == -1 && errno == EINTR) continue;
        if (n == -1) exit(1); /* Nobody reads the replies any more. */
        p += n;
        len -= n;
    }
}

static void handle_line(char *s) {
    char *op = word(&s);
    if (!op) {
        reply("-", "expected a request: add, set or heal");
        return;
    }
    const char *(*handler)(char **) = strcmp(op, "add") == 0  ? do_add
                                      : strcmp(op, "set") == 0  ? do_set
                                      : strcmp(op, "heal") == 0 ? do_heal
                                                                : NULL;
    if (!handler) {
        reply("-", fmt("expected add, set or heal, got \"%.40s\"", op));
        return;
    }
    char *id = word(&s);
    if (!id || !is_digits(id, 15)) {
        reply("-", fmt("expected a request id (1 to 15 digits) after %s", op));
        return;
    }
    reply(id, handler(&s));
}

/* Control bytes in: complete lines are handled, and a line that is too long or not text is
 * answered as a whole once its end comes. EOF ends switchd. */
static void control_read(void) {
    static char line[MAX_LINE + 1];
    static size_t len;
    static bool too_long;
    char buf[4096];
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n == -1 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) exit(0);
    for (ssize_t i = 0; i < n; i++) {
        if (buf[i] != '\n') {
            if (len < MAX_LINE) line[len++] = buf[i];
            else too_long = true;
            continue;
        }
        if (len > 0 && line[len - 1] == '\r') len--;
        line[len] = '\0';
        bool text = true;
        for (size_t j = 0; j < len; j++)
            if ((unsigned char)line[j] < 0x20 && line[j] != '\t') text = false;
        if (too_long) reply("-", fmt("expected a line of at most %d bytes", MAX_LINE));
        else if (!text) reply("-", "expected a line of text, got a control character");
        else handle_line(line);
        len = 0;
        too_long = false;
    }
}

/* ================================ Main ================================= */

int main(int argc, char **argv) {
    unsigned long seed = argc == 2 ? strtoul(argv[1], NULL, 10) : 0;
    if (argc != 2 || !is_digits(argv[1], 10) || seed > UINT32_MAX) {
        fprintf(stderr, "usage: switchd <seed: 0 to 4294967295>  (requests on stdin; see the head of switchd.c)\n");
        return 2;
    }
    rng_state = (uint32_t)seed;

    prctl(PR_SET_PDEATHSIG, SIGKILL); /* Besides stdin's EOF: never outlive the harness. */
    signal(SIGPIPE, SIG_IGN);          /* A peer gone is an error from send(), not a signal. */
    /* One descriptor per caller and one per node connection: take all the system allows. */
    struct rlimit nofile;
    if (getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
        nofile.rlim_cur = nofile.rlim_max;
        setrlimit(RLIMIT_NOFILE, &nofile);
    }
    spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd == -1) die("epoll_create1");
    static struct handle control = {CONTROL, STDIN_FILENO};
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &control};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, STDIN_FILENO, &ev) == -1) die("stdin must be a pipe, socket or terminal");

    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(epfd, events, MAX_EVENTS, next_timeout());
        if (n == -1) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            struct handle *h = events[i].data.ptr;
            switch (h->type) {
            case CONTROL: control_read(); break;
            case LISTENER: accept_all((struct node *)h); break;
            case SOCKET: sock_event((struct sock *)h, events[i].events); break;
            }
        }
        if (any_delay) release_due();
        free_closed();
    }
}
