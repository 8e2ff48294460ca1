#include "script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_ip(const char *text, uint8_t ip[4])
{
	unsigned int part[4];
	char extra;

	if (sscanf(text, "%u.%u.%u.%u%c", &part[0], &part[1], &part[2], &part[3], &extra) != 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		if (part[i] > 255)
			return -1;
		ip[i] = part[i];
	}
	return 0;
}

static int parse_mac(const char *text, uint8_t mac[6])
{
	unsigned int part[6];
	char extra;

	if (sscanf(text, "%x:%x:%x:%x:%x:%x%c", &part[0], &part[1], &part[2], &part[3],
		   &part[4], &part[5], &extra) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (part[i] > 255)
			return -1;
		mac[i] = part[i];
	}
	return 0;
}

static int parse_count(const char *text, long *value)
{
	char *end;

	if (text == NULL)
		return -1;
	*value = strtol(text, &end, 10);
	return (*end != '\0' || end == text || *value < 0) ? -1 : 0;
}

static int parse_send(char *how, char *argument, struct send_directive *send)
{
	if (strcmp(how, "ready") == 0 && argument == NULL) {
		send->condition = SEND_WHEN_READY;
		send->argument = 0;
		return 0;
	}
	if (strcmp(how, "after-guest") == 0)
		send->condition = SEND_AFTER_GUEST_FRAMES;
	else if (strcmp(how, "after-quiet-ms") == 0)
		send->condition = SEND_AFTER_QUIET_MS;
	else
		return -1;
	return parse_count(argument, &send->argument);
}

/* One line, already split into at most three words. */
static int parse_line(char *word[3], struct script *script)
{
	if (strcmp(word[0], "address") == 0) {
		struct harness_address *address = &script->addresses[script->address_count];

		if (script->address_count == SCRIPT_MAX_ADDRESSES || word[1] == NULL || word[2] == NULL)
			return -1;
		if (parse_ip(word[1], address->ip) < 0 || parse_mac(word[2], address->mac) < 0)
			return -1;
		script->address_count++;
		return 0;
	}
	if (strcmp(word[0], "expect") == 0)
		return parse_count(word[1], &script->expect_frames);
	if (strcmp(word[0], "quiet-ms") == 0)
		return parse_count(word[1], &script->quiet_ms);
	if (strcmp(word[0], "timeout-ms") == 0)
		return parse_count(word[1], &script->timeout_ms);
	if (strcmp(word[0], "tcp-rebase") == 0 && word[2] == NULL) {
		long frame;

		if (parse_count(word[1], &frame) < 0 || frame < 1 || frame > SCRIPT_MAX_FRAMES)
			return -1;
		script->rebase_ack[frame - 1] = 1;
		return 0;
	}
	if (strcmp(word[0], "send") == 0 && word[1] != NULL) {
		if (script->send_count == SCRIPT_MAX_FRAMES)
			return -1;
		return parse_send(word[1], word[2], &script->sends[script->send_count++]);
	}
	return -1;
}

int script_load(const char *path, struct script *script)
{
	FILE *file = fopen(path, "r");
	char line[256];
	int number = 0;

	if (file == NULL) {
		perror(path);
		return -1;
	}
	memset(script, 0, sizeof(*script));
	script->quiet_ms = 3000;
	script->timeout_ms = 30000;
	while (fgets(line, sizeof(line), file) != NULL) {
		char *word[4] = { NULL, NULL, NULL, NULL };
		char *comment = strchr(line, '#');
		char *cursor = line;
		int words = 0;

		number++;
		if (comment != NULL)
			*comment = '\0';
		while (words < 4 && (word[words] = strtok(cursor, " \t\r\n")) != NULL) {
			cursor = NULL;
			words++;
		}
		if (words == 0)
			continue;
		if (words == 4 || parse_line(word, script) < 0) {
			fprintf(stderr, "%s:%d: not a directive\n", path, number);
			fclose(file);
			return -1;
		}
	}
	fclose(file);
	return 0;
}
