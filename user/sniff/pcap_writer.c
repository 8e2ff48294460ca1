/*
 * The classic pcap format.  Fields are written in the writer's own byte
 * order: readers tell it from how the magic number reads back.
 */
#include "pcap_writer.h"

#include <errno.h>

/* LAB(sniffer) BEGIN: the file header and the record header of the classic pcap format
 * (pcap-savefile(5), draft-ietf-opsawg-pcap sections 4 and 5). */
#define PCAP_MAGIC_MICROSECONDS 0xa1b2c3d4   /* timestamps in microseconds */
#define PCAP_VERSION_MAJOR      2
#define PCAP_VERSION_MINOR      4
#define LINKTYPE_ETHERNET       1            /* every record starts with an Ethernet II header */

struct pcap_file_header {
    uint32_t magic;
    uint16_t version_major;
    uint16_t version_minor;
    int32_t this_zone;       /* always 0: timestamps are UTC */
    uint32_t sigfigs;        /* always 0 */
    uint32_t snaplen;
    uint32_t linktype;
};

struct pcap_record_header {
    uint32_t seconds;
    uint32_t microseconds;
    uint32_t captured_len;   /* bytes of the frame in this record */
    uint32_t original_len;   /* bytes of the frame on the wire */
};
/* LAB(sniffer) END */

FILE *pcap_open(const char *path)
{
    /* LAB(sniffer) BEGIN: create the file and write its header; NULL with errno set on
     * failure. */
    FILE *pcap = fopen(path, "wb");
    if (!pcap)
        return NULL;
    struct pcap_file_header header = {
        .magic = PCAP_MAGIC_MICROSECONDS,
        .version_major = PCAP_VERSION_MAJOR,
        .version_minor = PCAP_VERSION_MINOR,
        .snaplen = PCAP_SNAPLEN,
        .linktype = LINKTYPE_ETHERNET,
    };
    if (fwrite(&header, sizeof header, 1, pcap) != 1) {
        fclose(pcap);
        return NULL;
    }
    return pcap;
    /* LAB(sniffer) STUB
     * (void)path;
     * errno = ENOSYS;
     * return NULL;
     * LAB(sniffer) END */
}

bool pcap_write(FILE *pcap, const struct timespec *when, const uint8_t *frame,
                size_t captured, size_t length)
{
    /* LAB(sniffer) BEGIN: append one record: its header (microseconds tv_nsec / 1000,
     * cut, not rounded), then at most PCAP_SNAPLEN bytes of the frame; the wire length
     * stays the frame's. False with fwrite's errno when a write fails. */
    if (captured > PCAP_SNAPLEN)
        captured = PCAP_SNAPLEN;
    struct pcap_record_header record = {
        .seconds = (uint32_t)when->tv_sec,
        .microseconds = (uint32_t)(when->tv_nsec / 1000),
        .captured_len = (uint32_t)captured,
        .original_len = (uint32_t)length,
    };
    return fwrite(&record, sizeof record, 1, pcap) == 1 &&
           fwrite(frame, 1, captured, pcap) == captured;
    /* LAB(sniffer) STUB
     * (void)pcap, (void)when, (void)frame, (void)captured, (void)length;
     * errno = ENOSYS;
     * return false;
     * LAB(sniffer) END */
}

bool pcap_close(FILE *pcap)
{
    /* LAB(sniffer) BEGIN: flush and close, reporting a failed write of any record
     * (errno set): the failing call's errno, or EIO when only an earlier write failed. */
    bool flushed = fflush(pcap) == 0;
    /* The stream keeps only the fact that a write failed (ferror(3)), and a
     * flush after it can succeed; EIO, as close(2) reports a lost write. */
    bool failed_before = flushed && ferror(pcap);
    bool closed = fclose(pcap) == 0;
    if (failed_before && closed)
        errno = EIO;
    return flushed && closed && !failed_before;
    /* LAB(sniffer) STUB
     * fclose(pcap);
     * errno = ENOSYS;
     * return false;
     * LAB(sniffer) END */
}
