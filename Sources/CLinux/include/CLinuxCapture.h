#ifndef SNC_CLINUX_CAPTURE_H
#define SNC_CLINUX_CAPTURE_H

// Packet capture for snc load --capture: an AF_PACKET socket with a
// TPACKET_V3 receive ring (packet(7), Documentation/networking/packet_mmap).
// The tpacket3 headers are unions and bitfields Swift imports poorly, so the
// ring is walked here and each packet handed out as a plain struct.

#include <stddef.h>

struct snc_captured_packet {
    const unsigned char *data;
    unsigned int captured_length;
    unsigned int original_length;
    unsigned long long seconds;
    unsigned int nanoseconds;
};

// socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, ETH_P_ALL), not yet bound.
int snc_packet_socket(void);
// Attaches a classic BPF program (SO_ATTACH_FILTER) that keeps TCP over IPv4
// or IPv6 to or from `port`, and drops the PACKET_OUTGOING copy loopback
// shows of every packet (libpcap, and so tshark and dumpcap, drop it too).
int snc_packet_attach_tcp_port_filter(int fd, unsigned short port);
// PACKET_VERSION TPACKET_V3 and PACKET_RX_RING with blocks retired after
// `retire_milliseconds` even when not full.
int snc_packet_set_ring(int fd, unsigned int block_size, unsigned int block_count, unsigned int retire_milliseconds);
// bind(2) to one interface.
int snc_packet_bind(int fd, int interface_index);
// PACKET_STATISTICS (tpacket_stats_v3): packets and drops since the last call.
int snc_packet_statistics(int fd, unsigned int *packets, unsigned int *drops);
// Whether the kernel has handed the block to user space (TP_STATUS_USER).
int snc_packet_block_ready(const void *block);
// Fills `out` with the block's packets (at most `capacity`); returns how many.
int snc_packet_block_packets(const void *block, struct snc_captured_packet *out, int capacity);
// Hands the block back to the kernel (TP_STATUS_KERNEL).
void snc_packet_block_release(void *block);

#endif
