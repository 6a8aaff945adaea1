#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>
#include "CLinuxCapture.h"

int snc_packet_socket(void) {
    return socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
}

int snc_packet_attach_tcp_port_filter(int fd, unsigned short port) {
    // tcpdump -dd 'tcp port N' on an Ethernet link, behind two instructions
    // that reject the outgoing copy (SKF_AD_PKTTYPE == PACKET_OUTGOING).
    struct sock_filter program[] = {
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, (unsigned int)(SKF_AD_OFF + SKF_AD_PKTTYPE)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 19, 0),
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 6),
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 20),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 0, 15),
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 54),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 12, 0),
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 56),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 10, 11),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 10),
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 0, 8),
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 20),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 6, 0),
        BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14),
        BPF_STMT(BPF_LD | BPF_H | BPF_IND, 14),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 2, 0),
        BPF_STMT(BPF_LD | BPF_H | BPF_IND, 16),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 262144),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_fprog filter = { .len = sizeof(program) / sizeof(program[0]), .filter = program };
    return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &filter, sizeof(filter));
}

int snc_packet_set_ring(int fd, unsigned int block_size, unsigned int block_count, unsigned int retire_milliseconds) {
    int version = TPACKET_V3;
    if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)) != 0) return -1;
    struct tpacket_req3 request;
    memset(&request, 0, sizeof(request));
    request.tp_block_size = block_size;
    request.tp_block_nr = block_count;
    // TPACKET_V3 packs packets of any size into a block; the frame fields
    // only have to be consistent with it.
    request.tp_frame_size = 2048;
    request.tp_frame_nr = (block_size / 2048) * block_count;
    request.tp_retire_blk_tov = retire_milliseconds;
    return setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &request, sizeof(request));
}

int snc_packet_bind(int fd, int interface_index) {
    struct sockaddr_ll address;
    memset(&address, 0, sizeof(address));
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = interface_index;
    return bind(fd, (struct sockaddr *)&address, sizeof(address));
}

int snc_packet_statistics(int fd, unsigned int *packets, unsigned int *drops) {
    struct tpacket_stats_v3 stats;
    socklen_t length = sizeof(stats);
    memset(&stats, 0, sizeof(stats));
    if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &stats, &length) != 0) return -1;
    *packets = stats.tp_packets;
    *drops = stats.tp_drops;
    return 0;
}

int snc_packet_block_ready(const void *block) {
    const struct tpacket_block_desc *desc = block;
    int ready = (__atomic_load_n(&desc->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) != 0;
    return ready;
}

int snc_packet_block_packets(const void *block, struct snc_captured_packet *out, int capacity) {
    const struct tpacket_block_desc *desc = block;
    unsigned int count = desc->hdr.bh1.num_pkts;
    const unsigned char *cursor = (const unsigned char *)block + desc->hdr.bh1.offset_to_first_pkt;
    int filled = 0;
    for (unsigned int index = 0; index < count && filled < capacity; index++) {
        const struct tpacket3_hdr *header = (const struct tpacket3_hdr *)cursor;
        out[filled].data = cursor + header->tp_mac;
        out[filled].captured_length = header->tp_snaplen;
        out[filled].original_length = header->tp_len;
        out[filled].seconds = header->tp_sec;
        out[filled].nanoseconds = header->tp_nsec;
        filled++;
        cursor += header->tp_next_offset;
    }
    return filled;
}

void snc_packet_block_release(void *block) {
    struct tpacket_block_desc *desc = block;
    __atomic_store_n(&desc->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
}
