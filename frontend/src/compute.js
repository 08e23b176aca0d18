/** The Compute hosts page's entry (/compute/). */

import "./styles/base.css";
import "./styles/compute.css";

import { HostsPage } from "./compute/hosts-page.js";
import { ApiClient } from "./lib/api-client.js";

new HostsPage(new ApiClient("/api")).start();
