/* Security keys and passkeys (auth/security_keys.py checks every answer on the server): a form
   with data-webauthn="create" or "get" carries the ceremony's options; its button asks the
   browser's key, puts the answer in the form's hidden "credential" field and sends the form. */
(function () {
  "use strict";

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    return Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); }).buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBytes(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBytes(item.id) });
    });
  }

  function creationOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    options.excludeCredentials = withBytes(options.excludeCredentials);
    return options;
  }

  function requestOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.allowCredentials = withBytes(options.allowCredentials);
    return options;
  }

  function answer(credential) {
    var response = credential.response;
    var sent = { clientDataJSON: toText(response.clientDataJSON) };
    if (response.attestationObject) {
      sent.attestationObject = toText(response.attestationObject);
      sent.transports = response.getTransports ? response.getTransports() : [];
    } else {
      sent.authenticatorData = toText(response.authenticatorData);
      sent.signature = toText(response.signature);
      if (response.userHandle) { sent.userHandle = toText(response.userHandle); }
    }
    return JSON.stringify({
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: sent,
      clientExtensionResults: credential.getClientExtensionResults(),
    });
  }

  function ceremony(form) {
    var kind = form.getAttribute("data-webauthn");
    var options = JSON.parse(form.getAttribute("data-webauthn-options"));
    var status = form.querySelector("[data-webauthn-status]");
    var asked = kind === "create"
      ? navigator.credentials.create({ publicKey: creationOptions(options) })
      : navigator.credentials.get({ publicKey: requestOptions(options) });
    asked.then(function (credential) {
      form.querySelector("input[name=credential]").value = answer(credential);
      form.submit();
    }).catch(function () {
      if (status) {
        status.textContent = "The security key did not answer. Try again, or use another way.";
      }
    });
  }

  document.querySelectorAll("form[data-webauthn]").forEach(function (form) {
    if (!window.PublicKeyCredential) {
      form.hidden = true;
      return;
    }
    form.addEventListener("submit", function (event) {
      if (form.querySelector("input[name=credential]").value) { return; }
      event.preventDefault();
      ceremony(form);
    });
  });
})();
