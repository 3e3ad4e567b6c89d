#ifndef MSCSIM_ERROR_H
#define MSCSIM_ERROR_H

/**
 * Status codes and error details.
 *
 * Every library function that can fail returns an mscsim_status and, when it is
 * not MSCSIM_OK, fills the caller's mscsim_error. The library never prints or
 * exits: the command-line front end turns an error into a message.
 */

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    MSCSIM_OK = 0,          /**< Success. */
    MSCSIM_EINVAL,          /**< An argument or parameter is invalid (a library caller's mistake). */
    MSCSIM_ERANGE,          /**< A configured value lies outside its allowed range. */
    MSCSIM_ENOMEM,          /**< Memory could not be allocated. */
    MSCSIM_EIO,             /**< A file could not be opened, read, written or renamed. */
    MSCSIM_ESYNTAX,         /**< A config line or value could not be parsed. */
    MSCSIM_EUNKNOWN_KEY,    /**< A config section or key that mscsim does not know. */
    MSCSIM_ECONFIG,         /**< Values that are each valid but do not fit together. */
    MSCSIM_STATUS_COUNT     /**< Number of codes; not a status. */
} mscsim_status;

/** Where and why something failed. Strings are always NUL-terminated; empty when unknown. */
typedef struct {
    int code;           /**< An mscsim_status. */
    char file[256];     /**< Config file (or "--set") the problem was found in. */
    int line;           /**< 1-based line in file, 0 when not tied to a line. */
    char section[64];   /**< Config section, e.g. "trial". */
    char key[64];       /**< Config key, e.g. "n". */
    char msg[512];      /**< Human-readable reason, without file/line/key prefix. */
} mscsim_error;

/**
 * Clears err and fills its code and printf-style message (no location); returns code, so
 * a caller can `return mscsim_error_set(...)`. err may be NULL. Thread-safe for distinct err.
 */
int mscsim_error_set(mscsim_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** Short description of a status code; "unknown status" for out-of-range codes. Thread-safe. */
const char *mscsim_strerror(int code);

/**
 * Formats err as "file:line: [section] key: msg" (omitting the parts that are empty)
 * into buf of size len. Returns buf. Thread-safe.
 */
char *mscsim_error_format(const mscsim_error *err, char *buf, unsigned long len);

#ifdef __cplusplus
}
#endif
#endif
