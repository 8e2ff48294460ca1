#include "recorder.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

#define SNAPLEN 65535

struct recorder {
	pcap_t *dead; /* libpcap needs a handle to write with; it captures nothing */
	pcap_dumper_t *dumper;
	FILE *index;
	unsigned long frames;
};

struct recorder *recorder_open(const char *pcap_path, const char *index_path)
{
	struct recorder *recorder = calloc(1, sizeof(*recorder));

	if (recorder == NULL)
		return NULL;
	recorder->dead = pcap_open_dead(DLT_EN10MB, SNAPLEN);
	recorder->dumper = pcap_dump_open(recorder->dead, pcap_path);
	if (recorder->dumper == NULL) {
		fprintf(stderr, "harness: %s\n", pcap_geterr(recorder->dead));
		pcap_close(recorder->dead);
		free(recorder);
		return NULL;
	}
	recorder->index = fopen(index_path, "w");
	if (recorder->index == NULL) {
		perror(index_path);
		pcap_dump_close(recorder->dumper);
		pcap_close(recorder->dead);
		free(recorder);
		return NULL;
	}
	return recorder;
}

void recorder_add(struct recorder *recorder, const uint8_t *frame, size_t length,
		  const char *direction, const char *role)
{
	struct pcap_pkthdr header;

	gettimeofday(&header.ts, NULL);
	header.caplen = length;
	header.len = length;
	pcap_dump((u_char *)recorder->dumper, &header, frame);
	/* Flushed at once, so that a harness that is killed still leaves evidence. */
	pcap_dump_flush(recorder->dumper);
	fprintf(recorder->index, "%lu %s %s\n", ++recorder->frames, direction, role);
	fflush(recorder->index);
}

void recorder_close(struct recorder *recorder)
{
	pcap_dump_close(recorder->dumper);
	pcap_close(recorder->dead);
	fclose(recorder->index);
	free(recorder);
}
