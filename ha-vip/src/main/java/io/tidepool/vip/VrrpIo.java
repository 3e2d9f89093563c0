package io.tidepool.vip;

import io.tidepool.vip.config.VrrpConfig;
import io.tidepool.vip.config.VrrpConfig.VirtualAddress;
import io.tidepool.vip.io.AddressManager;
import io.tidepool.vip.io.GarpSender;
import io.tidepool.vip.io.NetInterface;
import io.tidepool.vip.io.VipIoException;
import io.tidepool.vip.io.VrrpSocket;
import io.tidepool.vip.vrrp.ChecksumForm;
import io.tidepool.vip.vrrp.Ipv4;
import io.tidepool.vip.vrrp.VrrpAdvertisement;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every operating-system resource of one instance, opened together at start-up (so a missing capability fails there,
 * with a clear message) and used afterwards only by the VRRP thread: the VRRP sockets, rtnetlink, the GARP socket and
 * the interfaces. The send path reuses one buffer and one advert record per priority value.
 */
final class VrrpIo implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.tidepool.vip");

    private final VrrpConfig config;
    private final Arena arena = Arena.ofShared();
    final NetInterface netInterface;
    final List<NetInterface> trackedInterfaces = new ArrayList<>();
    final VrrpSocket socket;
    private final AddressManager addresses;
    private final GarpSender garp;
    final int sourceIp;
    private final int[] destinations;
    private final int[] vips;
    private final List<Inet4Address> vipList;
    private final byte[][][] encoded;               // [destination][priority]: adverts never change once built
    private final ChecksumForm checksumForm;
    final AtomicLong sent = new AtomicLong();

    VrrpIo(VrrpConfig config) {
        this.config = config;
        var opened = new ArrayList<AutoCloseable>();       // closed again if a later step fails
        try {
            netInterface = add(opened, new NetInterface(config.interfaceName(), arena));
            for (String name : config.trackInterfaces()) {
                trackedInterfaces.add(add(opened, new NetInterface(name, arena)));
            }
            sourceIp = config.unicastSrcIp() != null ? Ipv4.toInt(config.unicastSrcIp())
                    : netInterface.primaryAddress();
            socket = add(opened, new VrrpSocket(netInterface, sourceIp, config.unicast(), arena));
            addresses = add(opened, new AddressManager(netInterface, arena));
            garp = add(opened, new GarpSender(netInterface, arena));
        } catch (RuntimeException e) {
            for (AutoCloseable resource : opened.reversed()) {
                try {
                    resource.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            arena.close();
            throw e;
        }
        destinations = config.unicast()
                ? config.unicastPeers().stream().mapToInt(Ipv4::toInt).toArray()
                : new int[] {Ipv4.VRRP_GROUP};
        vipList = config.virtualAddresses().stream().map(VirtualAddress::address).toList();
        vips = vipList.stream().mapToInt(Ipv4::toInt).toArray();
        checksumForm = config.checksumRfc9568() ? ChecksumForm.MESSAGE_ONLY : ChecksumForm.IPV4_PSEUDO_HEADER;
        encoded = new byte[destinations.length][256][];
        for (int d = 0; d < destinations.length; d++) {
            for (int p : new int[] {0, config.priority()}) {
                advert(d, p);                              // warm the encoder before the first transition
            }
        }
    }

    private static <T extends AutoCloseable> T add(List<AutoCloseable> opened, T resource) {
        opened.add(resource);
        return resource;
    }

    int[] vips() {
        return vips.clone();
    }

    /**
     * keepalived removes its VIPs at start-up ("removing VIPs"): a VIP left by a crashed predecessor would otherwise
     * answer ARP next to the real master. This is also the netlink warm-up and the CAP_NET_ADMIN check.
     */
    void removeStaleVips() {
        for (VirtualAddress vip : config.virtualAddresses()) {
            try {
                if (addresses.remove(Ipv4.toInt(vip.address()), vip.prefixLength())) {
                    LOG.log(Level.WARNING, "VRID {0}: removed stale VIP {1} from {2}", config.virtualRouterId(), vip,
                            config.interfaceName());
                }
            } catch (VipIoException e) {
                throw new VipIoException("removing a stale VIP at start-up: " + e.getMessage(), e.errno());
            }
        }
    }

    // Encoded once per (destination, priority) and then only copied: the send path allocates nothing.
    private byte[] advert(int destination, int priority) {
        byte[] bytes = encoded[destination][priority];
        if (bytes == null) {
            bytes = new VrrpAdvertisement(config.version(), config.virtualRouterId(), priority,
                    config.advertIntervalCentis(), vipList, config.authPass() == null ? 0 : VrrpAdvertisement.AUTH_PASS,
                    config.authPass() == null ? 0 : VrrpAdvertisement.authData(config.authPass()))
                    .toBytes(checksumForm, sourceIp, destinations[destination]);
            encoded[destination][priority] = bytes;
        }
        return bytes;
    }

    /** Sends one advert to the group, or to every unicast peer (the checksum's pseudo-header differs per peer). */
    void sendAdvert(int priority) {
        for (int d = 0; d < destinations.length; d++) {
            int dst = destinations[d];
            byte[] bytes = advert(d, priority);
            socket.sendBuffer().put(0, bytes);
            String error = socket.send(bytes.length, dst);
            if (error == null) {
                sent.incrementAndGet();
            } else {
                LOG.log(Level.WARNING, "VRID {0}: advert not sent: {1}", config.virtualRouterId(), error);
            }
        }
    }

    void addOrRefreshVips() {
        for (VirtualAddress vip : config.virtualAddresses()) {
            addresses.addOrRefresh(Ipv4.toInt(vip.address()), vip.prefixLength(), config.vipLifetimeSeconds());
        }
    }

    void removeVips() {
        for (VirtualAddress vip : config.virtualAddresses()) {
            addresses.remove(Ipv4.toInt(vip.address()), vip.prefixLength());
        }
    }

    /** One burst: garp_master_repeat gratuitous ARPs per VIP, back to back as keepalived's default garp_interval 0. */
    void garpBurst() {
        for (int i = 0; i < config.garpMasterRepeat(); i++) {
            for (int vip : vips) {
                String error = garp.send(vip);
                if (error != null) {
                    LOG.log(Level.WARNING, "VRID {0}: {1}", config.virtualRouterId(), error);
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        socket.close();
        addresses.close();
        garp.close();
        netInterface.close();
        trackedInterfaces.forEach(NetInterface::close);
        arena.close();
    }
}
