#include "input.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long input_load(const char *path, struct input_frame **frames)
{
	char error[PCAP_ERRBUF_SIZE];
	pcap_t *pcap = pcap_open_offline(path, error);
	struct pcap_pkthdr *header;
	const u_char *data;
	long count = 0;
	int status;

	*frames = NULL;
	if (pcap == NULL) {
		fprintf(stderr, "harness: %s\n", error);
		return -1;
	}
	if (pcap_datalink(pcap) != DLT_EN10MB) {
		fprintf(stderr, "harness: %s: not an Ethernet capture\n", path);
		pcap_close(pcap);
		return -1;
	}
	while ((status = pcap_next_ex(pcap, &header, &data)) == 1) {
		struct input_frame *grown = realloc(*frames, (count + 1) * sizeof(**frames));

		if (grown == NULL || header->caplen != header->len)
			break;
		*frames = grown;
		grown[count].bytes = malloc(header->caplen);
		if (grown[count].bytes == NULL)
			break;
		memcpy(grown[count].bytes, data, header->caplen);
		grown[count].length = header->caplen;
		count++;
	}
	pcap_close(pcap);
	if (status != PCAP_ERROR_BREAK) {
		fprintf(stderr, "harness: %s: unreadable or truncated frame %ld\n", path, count + 1);
		return -1;
	}
	return count;
}
