/* pjproject compile-time limits sized for a PBX (one box: E1 30 ch + FXS/FXO + SIP).
 * Every limit here looks like a crash when hit, so pbx-core logs the run-time ones
 * at start-up. Kept in one place: setup (host) and image-build (arm64/amd64) use it. */
#define PJ_CONFIG_MAXIMUM_SPEED        0
#define NDEBUG                         1
#define PJ_LOG_MAX_LEVEL               3

/* At least 240 call legs; leave headroom for players/recorders/tones. */
#define PJSUA_MAX_CALLS                512
#define PJSUA_MAX_ACC                  64
#define PJSUA_MAX_CONF_PORTS           2048
#define PJSUA_MAX_PLAYERS              512
#define PJSUA_MAX_RECORDERS            512
#define PJSUA_MAX_BUDDIES              16

/* The ioqueue default of 64 handles silently caps calls (2 RTP/RTCP sockets a leg). */
#define PJ_IOQUEUE_MAX_HANDLES         4096
#define PJ_IOQUEUE_HAS_SAFE_UNREG      1

/* Larger SIP tables. */
#define PJSIP_MAX_TSX_COUNT            (8*1024-1)
#define PJSIP_MAX_DIALOG_COUNT         (8*1024-1)
#define PJSIP_UDP_SO_SNDBUF_SIZE       (4*1024*1024)
#define PJSIP_UDP_SO_RCVBUF_SIZE       (4*1024*1024)
#define PJ_DEBUG                       0
#define PJSIP_SAFE_MODULE              0
#define PJ_HAS_STRICMP_ALNUM           0

/* No sound device on an appliance: the bridge is clocked by a null port. */
#define PJMEDIA_HAS_VIDEO              0
#define PJMEDIA_AUDIO_DEV_HAS_NULL_AUDIO 1
#define PJMEDIA_CONF_USE_SWITCH_BOARD  0
