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
  let reloading = false;
  window.coi = {
    shouldRegister: () => choice === '1',
    shouldDeregister: () => choice === '0',
    coepCredentialless: () => false,
    quiet: true,
    // coi-serviceworker asks for the reload as soon as its worker starts installing
    // ("updatefound"). A reload then can reach the server before the worker is active: that page
    // is not controlled either, so it asks again, and the switch costs two reloads, not one. So
    // the reload waits for navigator.serviceWorker.ready (a registration with an active worker;
    // a navigation made then waits for the activation to finish and goes through the worker),
    // and a page reloads at most once however many times it is asked.
    doReload: () => {
      if (reloading) return;
      reloading = true;
      navigator.serviceWorker.ready.then(() => {
        sessionStorage.setItem('fanout.coi-reloaded', String(Date.now()));
        location.reload();
      });
    },
  };
})();
