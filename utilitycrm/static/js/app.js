// Progressive enhancement only; every page works without it. No inline scripts (CSP).
document.querySelectorAll("select[data-autosubmit], input[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.requestSubmit());
  const button = select.form.querySelector("[data-autosubmit-button]");
  if (button) button.classList.add("visually-hidden");
});

// Forms that destroy something ask first.
document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
});

// A running validation run: poll its progress, reload the page when it is done.
document.querySelectorAll("[data-progress-url]").forEach((element) => {
  const bar = element.querySelector(".progress-bar");
  const poll = async () => {
    const response = await fetch(element.dataset.progressUrl, { credentials: "same-origin" });
    if (!response.ok) return;
    const run = await response.json();
    bar.style.width = `${run.progress}%`;
    bar.textContent = `${run.progress}%`;
    if (run.status === "running") window.setTimeout(poll, 1500);
    else window.location.reload();
  };
  window.setTimeout(poll, 1000);
});
