// Opt-in cross-origin isolation for hosts that cannot send headers (GitHub Pages): the
// settings of coi-serviceworker (loaded right after this classic script, from this site's own
// origin). Opening the playground with ?coi=1 registers a service worker that adds the
// COOP/COEP headers to every response of this site, then reloads the page once so the
// service worker serves it: from then on the page is cross-origin isolated (threads mode).
// ?coi=0 unregisters it (one more reload). Without either, nothing changes: a page with the
// service worker keeps it, a page without it runs in workers mode. A host that sends the
// headers itself never registers it (the page is isolated already).
(() => {
  const choice = new URLSearchParams(location.search).get('coi');
  window.coi = {
    shouldRegister: () => choice === '1',
    shouldDeregister: () => choice === '0',
    coepCredentialless: () => false,
    quiet: true,
    doReload: () => {
      sessionStorage.setItem('fanout.coi-reloaded', String(Date.now()));
      location.reload();
    },
  };
})();
