#ifndef SNC_COPENSSL_SHIM_H
#define SNC_COPENSSL_SHIM_H

// OpenSSL 3's public API for SNCTLS. Its function-like macros
// (SSL_CTX_set_min_proto_version, SSL_set_tlsext_host_name, EVP_EC_gen, ...)
// and variadic calls do not import into Swift, so the few snc needs are
// wrapped here as static inline functions named after the macro.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

static inline int snc_SSL_CTX_set_min_proto_version(SSL_CTX *context, int version) {
    return (int)SSL_CTX_set_min_proto_version(context, version);
}

static inline long snc_SSL_CTX_set_mode(SSL_CTX *context, long mode) {
    return SSL_CTX_set_mode(context, mode);
}

static inline int snc_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

// With read-ahead OpenSSL reads as much as the socket holds in one
// read(2), not one record header and body at a time.
static inline void snc_SSL_CTX_set_read_ahead(SSL_CTX *context, int on) {
    SSL_CTX_set_read_ahead(context, on);
}

static inline unsigned long snc_XN_FLAG_RFC2253(void) { return XN_FLAG_RFC2253; }

static inline int snc_TLS1_3_VERSION(void) { return TLS1_3_VERSION; }
static inline int snc_TLS1_2_VERSION(void) { return TLS1_2_VERSION; }
static inline long snc_SSL_MODE_ENABLE_PARTIAL_WRITE(void) { return SSL_MODE_ENABLE_PARTIAL_WRITE; }
static inline long snc_SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER(void) { return SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER; }
static inline long snc_SSL_MODE_RELEASE_BUFFERS(void) { return SSL_MODE_RELEASE_BUFFERS; }

// EVP_EC_gen is a macro over the variadic EVP_PKEY_Q_keygen.
static inline EVP_PKEY *snc_generate_p256_key(void) {
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

// The reason of an SSL_R_UNEXPECTED_EOF_WHILE_READING error: a peer that
// closed the TCP connection without a TLS close_notify (a truncation).
static inline int snc_is_unexpected_eof(unsigned long error) {
    return ERR_GET_LIB(error) == ERR_LIB_SSL && ERR_GET_REASON(error) == SSL_R_UNEXPECTED_EOF_WHILE_READING;
}

// OpenSSL 3 takes a TCP end without close_notify as a fatal error, after
// which SSL_write fails too; but ncat ends its half of a session exactly so
// (shutdown(SHUT_WR) at its stdin's end) and goes on reading. With
// SSL_OP_IGNORE_UNEXPECTED_EOF that end reads as SSL_ERROR_ZERO_RETURN and
// writing goes on; the message callback below records whether a real
// close_notify came, so that a truncation can still be told apart.
static inline uint64_t snc_SSL_OP_IGNORE_UNEXPECTED_EOF(void) { return SSL_OP_IGNORE_UNEXPECTED_EOF; }

static inline void snc_record_close_notify(int write_p, int version, int content_type, const void *buf,
                                           size_t len, SSL *ssl, void *arg) {
    (void)version; (void)ssl;
    if (!write_p && content_type == SSL3_RT_ALERT && len >= 2
        && ((const unsigned char *)buf)[1] == SSL_AD_CLOSE_NOTIFY) {
        *(int *)arg = 1;
    }
}

// `flag` becomes 1 when the peer's close_notify alert is read; it must
// outlive `ssl`.
static inline void snc_SSL_watch_close_notify(SSL *ssl, int *flag) {
    SSL_set_msg_callback(ssl, snc_record_close_notify);
    SSL_set_msg_callback_arg(ssl, flag);
}

#endif
