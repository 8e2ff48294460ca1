/*
 * The rows and columns of Linux 6.1's /proc/net/snmp and /proc/net/netstat,
 * in Linux's order, as Linux 6.1 prints them on aarch64 (read from the
 * kernel booted by tools/linuxrun).  Tools read these files by position
 * (netstat -s, nstat, iperf3's retransmission count), so Strata prints
 * every row and column Linux does, with 0 where it counts nothing; the
 * values come from net_counters by name (counters.c).  Only IcmpMsg, whose
 * columns are the ICMP types seen, is not fixed; counters.c builds it.
 */
#include "counters.h"

const struct net_counter_section net_snmp_layout[] = {
    { "Ip",
      "Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams "
      "InUnknownProtos InDiscards InDelivers OutRequests OutDiscards "
      "OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs "
      "FragFails FragCreates" },
    { "Icmp",
      "InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs "
      "InSrcQuenchs InRedirects InEchos InEchoReps InTimestamps "
      "InTimestampReps InAddrMasks InAddrMaskReps OutMsgs OutErrors "
      "OutRateLimitGlobal OutRateLimitHost OutDestUnreachs OutTimeExcds "
      "OutParmProbs OutSrcQuenchs OutRedirects OutEchos OutEchoReps "
      "OutTimestamps OutTimestampReps OutAddrMasks OutAddrMaskReps" },
    /* IcmpMsg comes here when any ICMP message was counted. */
    { "Tcp",
      "RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens "
      "AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs "
      "OutRsts InCsumErrors" },
    { "Udp",
      "InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors "
      "InCsumErrors IgnoredMulti MemErrors" },
    { "UdpLite",
      "InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors "
      "InCsumErrors IgnoredMulti MemErrors" },
};
const size_t net_snmp_layout_count = ARRAY_SIZE(net_snmp_layout);

const struct net_counter_section net_netstat_layout[] = {
    { "TcpExt",
      "SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts "
      "PruneCalled RcvPruned OfoPruned OutOfWindowIcmps LockDroppedIcmps "
      "ArpFilter TW TWRecycled TWKilled PAWSActive PAWSEstab DelayedACKs "
      "DelayedACKLocked DelayedACKLost ListenOverflows ListenDrops TCPHPHits "
      "TCPPureAcks TCPHPAcks TCPRenoRecovery TCPSackRecovery TCPSACKReneging "
      "TCPSACKReorder TCPRenoReorder TCPTSReorder TCPFullUndo TCPPartialUndo "
      "TCPDSACKUndo TCPLossUndo TCPLostRetransmit TCPRenoFailures "
      "TCPSackFailures TCPLossFailures TCPFastRetrans TCPSlowStartRetrans "
      "TCPTimeouts TCPLossProbes TCPLossProbeRecovery TCPRenoRecoveryFail "
      "TCPSackRecoveryFail TCPRcvCollapsed TCPBacklogCoalesce TCPDSACKOldSent "
      "TCPDSACKOfoSent TCPDSACKRecv TCPDSACKOfoRecv TCPAbortOnData "
      "TCPAbortOnClose TCPAbortOnMemory TCPAbortOnTimeout TCPAbortOnLinger "
      "TCPAbortFailed TCPMemoryPressures TCPMemoryPressuresChrono "
      "TCPSACKDiscard TCPDSACKIgnoredOld TCPDSACKIgnoredNoUndo TCPSpuriousRTOs "
      "TCPMD5NotFound TCPMD5Unexpected TCPMD5Failure TCPSackShifted "
      "TCPSackMerged TCPSackShiftFallback TCPBacklogDrop PFMemallocDrop "
      "TCPMinTTLDrop TCPDeferAcceptDrop IPReversePathFilter "
      "TCPTimeWaitOverflow TCPReqQFullDoCookies TCPReqQFullDrop TCPRetransFail "
      "TCPRcvCoalesce TCPOFOQueue TCPOFODrop TCPOFOMerge TCPChallengeACK "
      "TCPSYNChallenge TCPFastOpenActive TCPFastOpenActiveFail "
      "TCPFastOpenPassive TCPFastOpenPassiveFail TCPFastOpenListenOverflow "
      "TCPFastOpenCookieReqd TCPFastOpenBlackhole TCPSpuriousRtxHostQueues "
      "BusyPollRxPackets TCPAutoCorking TCPFromZeroWindowAdv "
      "TCPToZeroWindowAdv TCPWantZeroWindowAdv TCPSynRetrans TCPOrigDataSent "
      "TCPHystartTrainDetect TCPHystartTrainCwnd TCPHystartDelayDetect "
      "TCPHystartDelayCwnd TCPACKSkippedSynRecv TCPACKSkippedPAWS "
      "TCPACKSkippedSeq TCPACKSkippedFinWait2 TCPACKSkippedTimeWait "
      "TCPACKSkippedChallenge TCPWinProbe TCPKeepAlive TCPMTUPFail "
      "TCPMTUPSuccess TCPDelivered TCPDeliveredCE TCPAckCompressed "
      "TCPZeroWindowDrop TCPRcvQDrop TCPWqueueTooBig TCPFastOpenPassiveAltKey "
      "TcpTimeoutRehash TcpDuplicateDataRehash TCPDSACKRecvSegs "
      "TCPDSACKIgnoredDubious TCPMigrateReqSuccess TCPMigrateReqFailure" },
    { "IpExt",
      "InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts "
      "OutBcastPkts InOctets OutOctets InMcastOctets OutMcastOctets "
      "InBcastOctets OutBcastOctets InCsumErrors InNoECTPkts InECT1Pkts "
      "InECT0Pkts InCEPkts ReasmOverlaps" },
    { "MPTcpExt",
      "MPCapableSYNRX MPCapableSYNTX MPCapableSYNACKRX MPCapableACKRX "
      "MPCapableFallbackACK MPCapableFallbackSYNACK MPCapableEndpAttempt "
      "MPFallbackTokenInit MPTCPRetrans MPJoinNoTokenFound MPJoinSynRx "
      "MPJoinSynBackupRx MPJoinSynAckRx MPJoinSynAckBackupRx "
      "MPJoinSynAckHMacFailure MPJoinAckRx MPJoinAckHMacFailure DSSNotMatching "
      "DSSCorruptionFallback DSSCorruptionReset InfiniteMapTx InfiniteMapRx "
      "DSSNoMatchTCP DataCsumErr OFOQueueTail OFOQueue OFOMerge NoDSSInWindow "
      "DuplicateData AddAddr EchoAdd PortAdd AddAddrDrop MPJoinPortSynRx "
      "MPJoinPortSynAckRx MPJoinPortAckRx MismatchPortSynRx MismatchPortAckRx "
      "RmAddr RmAddrDrop RmSubflow MPPrioTx MPPrioRx MPFailTx MPFailRx "
      "MPFastcloseTx MPFastcloseRx MPRstTx MPRstRx RcvPruned SubflowStale "
      "SubflowRecover SndWndShared RcvWndShared RcvWndConflictUpdate "
      "RcvWndConflict" },
};
const size_t net_netstat_layout_count = ARRAY_SIZE(net_netstat_layout);
