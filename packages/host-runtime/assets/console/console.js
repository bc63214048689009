/* global document, location, DOMParser */
// The console's only script (served from the package; the CSP allows no inline script). The pages work without
// it: it submits the connector choice at once, shows a dropdown's typed-value input only when that choice is
// made, and refreshes the parts marked data-live while a page is open.
'use strict';

document.addEventListener('DOMContentLoaded', () => {
    for (const select of document.querySelectorAll('select[data-autosubmit]')) {
        select.addEventListener('change', () => {
            if (select.value !== '') select.form.submit();
        });
    }
    // A dropdown with a "type another value" choice shows its text input only while that choice is selected.
    for (const select of document.querySelectorAll('select[data-custom]')) {
        const custom = document.getElementById(select.dataset.custom);
        if (custom === null) continue;
        const update = () => {
            custom.hidden = select.value !== '__custom__';
        };
        select.addEventListener('change', () => {
            update();
            if (!custom.hidden) custom.querySelector('input')?.focus();
        });
        update();
    }
    const live = document.querySelectorAll('[data-live][id]');
    if (live.length === 0) return;
    const refresh = async () => {
        if (document.hidden) return;
        try {
            const response = await fetch(location.pathname + location.search, {
                credentials: 'same-origin',
                headers: { Accept: 'text/html' }
            });
            if (!response.ok || response.redirected) return;
            const page = new DOMParser().parseFromString(await response.text(), 'text/html');
            for (const element of document.querySelectorAll('[data-live][id]')) {
                const fresh = page.getElementById(element.id);
                if (fresh !== null && fresh.innerHTML !== element.innerHTML) element.innerHTML = fresh.innerHTML;
            }
        } catch {
            // The service may be restarting; the next round tries again.
        }
    };
    setInterval(refresh, 2000);
});
